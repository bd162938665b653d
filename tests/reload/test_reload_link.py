"""The host's stop-and-wait session (codegen/tessera/reload/link.py) against scripted
kernels on a fake port with a fake clock: every outcome, no real waiting."""
import struct

import pytest

import reload_fixture  # noqa: F401  (puts codegen/ on sys.path)

from tessera.reload import link as rl
from tessera.reload import proto as rp


class FakePort:
    """Frames written are answered by respond(frame) -> bytes; reading an
    empty port advances the fake clock by 50 ms."""

    def __init__(self, respond):
        self.respond, self.rx, self.t, self.sent = respond, bytearray(), 0.0, []
        self.split = rp.StreamSplitter()

    @property
    def in_waiting(self):
        return len(self.rx)

    def write(self, data):
        for kind, f in self.split.feed(data):
            assert kind == "frame"
            self.sent.append((rp.TYPE_NAMES[f.type], f.seq))
            self.rx += self.respond(f)

    def read(self, n):
        if not self.rx:
            self.t += 0.05
            return b""
        out = bytes(self.rx[:n])
        del self.rx[:n]
        return out


def run(respond, pkg=b"p" * 600, **kw):
    port = FakePort(respond)
    link = rl.Link(port, clock=lambda: port.t)
    kw.setdefault("ack_timeout", 0.5)
    kw.setdefault("retries", 2)
    kw.setdefault("result_timeout", 2.0)
    try:
        return rl.send_package(link, "filter", pkg, **kw), port
    except rl.LinkError as e:
        return e, port


def ack(f):
    return rp.encode_frame(rp.ACK, f.seq)


def result(seq, ok=True, version=3, why=b""):
    return rp.encode_frame(rp.RESULT, seq, struct.pack("<BQ", 0 if ok else 1, version) + why)


def good_kernel(f):
    if f.type == rp.END:
        return ack(f) + b"kern| swapped\r\n" + result(f.seq)
    return ack(f)


def test_clean_transfer_and_progress():
    seen = []
    out, port = run(good_kernel, progress=lambda d, t: seen.append((d, t)))
    assert out.accepted and out.version == 3
    assert port.sent == [("BEGIN", 0), ("DATA", 1), ("DATA", 2), ("DATA", 3), ("END", 4)]
    assert seen == [(256, 600), (512, 600), (600, 600)]


def test_nak_no_transfer_fails_with_4_and_aborts():
    def k(f):
        return rp.encode_frame(rp.NAK, 0, b"no transfer") if f.type == rp.DATA and f.seq == 3 else ack(f)
    err, port = run(k)
    assert isinstance(err, rl.LinkError) and err.exit_code == 4
    assert str(err) == "the kernel rejected DATA 3: no transfer"
    assert port.sent[-1] == ("ABORT", 3)


def test_busy_kernel():
    err, port = run(lambda f: rp.encode_frame(rp.NAK, 0, b"busy: a swap is in progress"))
    assert (err.exit_code, str(err)) == (4, "the kernel rejected BEGIN 0: busy: a swap is in progress")


def test_bad_frame_every_time():
    def k(f):
        return rp.encode_frame(rp.NAK, 1, b"bad frame") if f.type == rp.DATA and f.seq == 1 else ack(f)
    err, port = run(k)
    assert (err.exit_code, str(err)) == (4, "DATA 1 still rejected after 3 tries: bad frame")
    assert port.sent.count(("DATA", 1)) == 3


def test_silence_is_a_timeout():
    err, port = run(lambda f: ack(f) if f.type == rp.BEGIN else b"")
    assert isinstance(err, rl.LinkTimeout) and err.exit_code == 5
    assert str(err) == "no answer from the kernel to DATA 1 after 3 tries (0.5s each)"


def test_lost_result_is_asked_for_again():
    ends = []

    def k(f):
        if f.type == rp.END:
            ends.append(f.seq)
            return ack(f) if len(ends) == 1 else result(f.seq, ok=False, why=b"bad signature")
        return ack(f)
    out, port = run(k)
    assert not out.accepted and out.reason == "bad signature"
    assert ends == [4, 4]


def test_no_verdict_is_a_timeout():
    err, _ = run(ack)
    assert (err.exit_code, str(err)) == (5, "no verdict from the kernel within 2s of the last chunk")


def test_refusal_at_begin_ends_early():
    out, port = run(lambda f: result(0, ok=False, version=0, why=b"unknown shard 'filter'"))
    assert out.reason == "unknown shard 'filter'" and port.sent == [("BEGIN", 0)]


def test_stale_acks_are_ignored():
    def k(f):
        return rp.encode_frame(rp.ACK, max(f.seq - 1, 0)) + ack(f) if f.type == rp.DATA else good_kernel(f)
    out, _ = run(k)
    assert out.accepted
