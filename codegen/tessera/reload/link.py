"""The host end of a reload transfer (docs/reload.md, "Exchange").

Stop-and-wait over any pyserial-like port (write, read with a timeout,
in_waiting): BEGIN, DATA 1..n, END, each resent until the kernel ACKs it
or the retries run out; then the kernel's RESULT. Console text the kernel
prints meanwhile is handed to `on_text`.
"""
import struct
import time

from tessera.reload import proto as rp

# NAK reasons that a resend cures; any other NAK ends the transfer.
RESENDABLE = {"bad frame"}


class LinkError(Exception):
    """The transfer failed (exit 4)."""
    exit_code = 4


class LinkTimeout(LinkError):
    """The kernel stopped answering (exit 5)."""
    exit_code = 5


class Outcome:
    def __init__(self, accepted, version, reason):
        self.accepted, self.version, self.reason = accepted, version, reason


class Link:
    def __init__(self, port, on_text=None, clock=time.monotonic):
        self.port, self.on_text, self.clock = port, on_text, clock
        self.split = rp.StreamSplitter()
        self.frames = []
        self.resends = 0

    def send(self, ftype, seq, payload=b""):
        self.port.write(rp.host_frame(ftype, seq, payload))

    def next_frame(self, deadline):
        """The kernel's next frame before `deadline` (clock time), or None."""
        while not self.frames:
            if self.clock() >= deadline:
                return None
            data = self.port.read(max(1, self.port.in_waiting))
            for kind, item in self.split.feed(data):
                if kind == "frame":
                    self.frames.append(item)
                elif self.on_text:
                    self.on_text(item)
        return self.frames.pop(0)


def _exchange(link, ftype, seq, payload, ack_timeout, retries):
    """Send one frame until it is ACKed. Returns None, or an Outcome if the
    kernel answered with its verdict instead."""
    what = "%s %d" % (rp.TYPE_NAMES[ftype], seq)
    last_nak = None
    for attempt in range(retries + 1):
        if attempt:
            link.resends += 1
        link.send(ftype, seq, payload)
        deadline = link.clock() + ack_timeout
        while True:
            f = link.next_frame(deadline)
            if f is None:
                break  # silence: resend
            if f.type == rp.ACK and f.seq == seq:
                return None
            if f.type == rp.RESULT and f.seq == seq:
                return Outcome(*f.result())
            if f.type == rp.NAK:
                if f.seq == seq and f.text() in RESENDABLE:
                    last_nak = f.text()
                    break
                raise LinkError("the kernel rejected %s: %s" % (what, f.text()))
            # Stale ACKs/RESULTs of earlier frames: ignore.
    if last_nak:
        raise LinkError("%s still rejected after %d tries: %s" % (what, retries + 1, last_nak))
    raise LinkTimeout("no answer from the kernel to %s after %d tries (%gs each)" % (what, retries + 1, ack_timeout))


def _await_result(link, end_seq, ack_timeout, result_timeout):
    """After END's ACK the kernel swaps the shard and then sends RESULT;
    END is resent now and then in case that RESULT is lost."""
    deadline = link.clock() + result_timeout
    period = max(2 * ack_timeout, 1.0)
    while link.clock() < deadline:
        f = link.next_frame(min(deadline, link.clock() + period))
        if f is None:
            link.send(rp.END, end_seq)
        elif f.type == rp.RESULT and f.seq == end_seq:
            return Outcome(*f.result())
        elif f.type == rp.NAK:
            raise LinkError("the kernel dropped the transfer before its verdict: %s" % f.text())
    raise LinkTimeout("no verdict from the kernel within %gs of the last chunk" % result_timeout)


def send_package(link, name, pkg, ack_timeout=1.0, retries=8, result_timeout=30.0, progress=None):
    """Transfer `pkg` for shard `name`; returns the kernel's Outcome or
    raises LinkError/LinkTimeout (after telling the kernel to give up)."""
    seq = 0
    try:
        out = _exchange(link, rp.BEGIN, 0, struct.pack("<I", len(pkg)) + name.encode("ascii"), ack_timeout,
                        retries)
        if out:
            return out
        for off in range(0, len(pkg), rp.CHUNK):
            seq += 1
            chunk = pkg[off:off + rp.CHUNK]
            _exchange(link, rp.DATA, seq, struct.pack("<I", off) + chunk, ack_timeout, retries)
            if progress:
                progress(off + len(chunk), len(pkg))
        seq += 1
        return _exchange(link, rp.END, seq, b"", ack_timeout, retries) or _await_result(
            link, seq, ack_timeout, result_timeout)
    except (LinkError, KeyboardInterrupt):
        try:
            link.send(rp.ABORT, seq)  # best effort: free the kernel's staging now
        except Exception:
            pass
        raise
