"""Asking a running system (docs/inspect.md): one QUERY at a time over
any pyserial URL, each answered by one ANSWER with the same seq, resent
after a silence (queries change nothing, so a resend is harmless). The
reload link (reload/link.py) splits the console stream into text and
frames; the kernel's text goes to `on_text`."""
import struct
import time

from tessera.errors import TesseraError
from tessera.inspect import proto as ip
from tessera.reload import link as reload_link


class Client:
    def __init__(self, port, timeout=1.0, retries=5, on_text=None):
        self.link = reload_link.Link(port, on_text)
        self.timeout, self.retries = timeout, retries
        self.seq = int(time.monotonic() * 1000) & 0xFFFF  # distinct from an earlier run's late answers
        self.queries = 0

    def ask(self, what, ident=0, offset=0, cursor=0, busy_ok=False):
        """(status, record bytes) of one query; BUSY is asked again unless
        busy_ok."""
        self.seq = (self.seq + 1) & 0xFFFFFFFF
        payload = struct.pack("<BHHQ", what, ident, offset, cursor)
        for _ in range(self.retries + 1):
            self.queries += 1
            self.link.send(ip.QUERY, self.seq, payload)
            deadline = self.link.clock() + self.timeout
            while True:
                f = self.link.next_frame(deadline)
                if f is None:
                    break
                if f.type != ip.ANSWER or f.seq != self.seq:
                    continue  # reload frames, answers to earlier resends
                w, status, _, data = ip.answer(f)
                if w != what:
                    continue
                if status == ip.BUSY and not busy_ok:
                    break
                return status, data
        raise TesseraError("no answer from the kernel to query %d after %d tries (is PORT the system's console?)"
                           % (what, self.retries + 1))

    def record(self, what, ident, parse):
        status, data = self.ask(what, ident)
        if status == ip.NO_ITEM:
            return None
        if status != ip.OK:
            return {}
        try:
            return parse(data)
        except ip.RecordError as e:
            raise TesseraError("the kernel's answer to query %d/%d does not parse: %s" % (what, ident, e))

    def system(self, parts=True):
        """The system record, with its image parts unless parts=False."""
        s = self.record(ip.SYSTEM, 0, ip.parse_system)
        if s["protocol"] != ip.VERSION:
            raise TesseraError("the kernel speaks query protocol %d, this tool %d" % (s["protocol"], ip.VERSION))
        if parts:
            s["image"] = [self.record(ip.PART, i, ip.parse_part) for i in range(s["parts"])]
        return s

    def items(self, what, n, parse):
        out = []
        for i in range(n):
            rec = self.record(what, i, parse)
            if rec is None:
                break
            rec["id"] = i
            out.append(rec)
        return out

    def shards(self, n):
        return self.items(ip.SHARD, n, ip.parse_shard)

    def channels(self, n, shard_names=None):
        chans = self.items(ip.CHANNEL, n, ip.parse_channel)
        for c in chans:
            if shard_names:
                c["from"] = shard_names[c["from_id"]] if c["from_id"] < len(shard_names) else "?"
                c["to"] = shard_names[c["to_id"]] if c["to_id"] < len(shard_names) else "?"
        return chans

    def cores(self, n):
        return self.items(ip.CORE, n, ip.parse_core)

    def trace(self, core, cursor=0):
        """Core `core`'s events from seq `cursor` on (or its oldest held)
        up to those recorded when the first answer came: (events, next
        cursor, events overwritten before they could be read)."""
        events, lost, end = [], 0, None
        while True:
            status, data = self.ask(ip.TRACE, core, 0, cursor)
            if status != ip.OK:
                return events, cursor, lost
            total, first, batch = ip.parse_trace(data)
            if end is None:
                end = total
            elif first > cursor:
                lost += first - cursor  # overwritten while we read
            events += [e for e in batch if e[0] < end]
            cursor = first + len(batch)
            if not batch or cursor >= end:
                return events, min(cursor, end), lost

    def capture(self, chan, cursor, snaplen=None):
        """The frame waiting in packet channel `chan` at ring index `cursor`
        or, if that one passed, the oldest waiting: its parse_capture dict
        with its first `snaplen` bytes in "frame" (None: as many as one
        answer carries). None if none waits; {} if it was released while
        it was read."""
        status, data = self.ask(ip.CAPTURE, chan, 0, cursor, busy_ok=True)
        if status == ip.NO_ITEM:
            raise TesseraError("channel %d is not a packet channel (no one DMA region both ends map)" % chan)
        if status != ip.OK:
            return {} if status == ip.BUSY else None
        first = ip.parse_capture(data)
        frame = first["chunk"]
        want = min(first["len"], snaplen or len(frame))
        while len(frame) < want:
            status, data = self.ask(ip.CAPTURE, chan, len(frame), first["index"], busy_ok=True)
            more = ip.parse_capture(data) if status == ip.OK else {}
            if more.get("index") != first["index"] or not more["chunk"]:
                return {}  # released meanwhile
            frame += more["chunk"]
        first["frame"] = frame[:want]
        return first

    def crash(self, shard):
        """Shard's last crash record, or None."""
        for _ in range(4):
            status, data = self.ask(ip.CRASH, shard, 0)
            if status != ip.OK:
                return None
            count, length, buf = ip.parse_crash_chunk(data)
            while len(buf) < length:
                status, data = self.ask(ip.CRASH, shard, len(buf))
                if status != ip.OK:
                    break
                c2, l2, chunk = ip.parse_crash_chunk(data)
                if c2 != count or l2 != length or not chunk:
                    break  # a newer crash meanwhile: start again
                buf += chunk
            if len(buf) == length:
                rec = ip.parse_crash(buf)
                rec["count"] = count
                return rec
        raise TesseraError("shard %d's crash record kept changing while it was read" % shard)


def open_port(url, baud=115200):
    import serial

    try:
        return serial.serial_for_url(url, baudrate=baud, timeout=0.02, write_timeout=5)
    except (serial.SerialException, ValueError, OSError) as e:
        raise TesseraError("cannot open %s: %s" % (url, e))


def snapshot(client, what=("system", "shards", "channels", "cores"), parts=True):
    """One consistent-enough read of the running system (each record is
    read at its own moment); parts=False leaves out the image parts (they
    never change while it runs)."""
    out = {"system": client.system(parts)}
    s = out["system"]
    names = None
    if set(what) - {"system"}:
        out["shards"] = client.shards(s["shards"])
        names = [x["name"] for x in out["shards"]]
    if "channels" in what:
        out["channels"] = client.channels(s["channels"], names)
    if "cores" in what:
        out["cores"] = client.cores(s["cores"])
        for c in out["cores"]:
            c["current"] = names[c["current_id"]] if c["current_id"] is not None and names and \
                c["current_id"] < len(names) else None
    out["at"] = time.monotonic()
    return out
