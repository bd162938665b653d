"""The query protocol's wire format (docs/inspect.md "Wire format"),
mirroring kern/inspect/query.c and wire.h. Frames are the hot-reload
frames (reload/proto.py: COBS, CRC-32, the stream splitter) with types of
their own: QUERY from the host, ANSWER from the kernel."""
import struct

from tessera.reload import proto as rp

QUERY, ANSWER = 0x30, 0x31
VERSION = 1

SYSTEM, PART, SHARD, CHANNEL, CORE, TRACE, CRASH, CAPTURE = 1, 2, 3, 4, 5, 6, 7, 8
OK, NO_ITEM, EMPTY, BUSY = 0, 1, 2, 3

STATES = ["init", "running", "waiting", "faulted", "restarting", "halted"]
FAULT_KINDS = ["read", "write", "exec", "undef", "align", "signal", "other"]
SIGNALS = {4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 11: "SIGSEGV"}
EVENTS = ["boot", "dispatch", "yield", "notify", "irq", "fault", "hang", "restart", "halt", "panic", "badsys",
          "reload", "rollback"]


class RecordError(ValueError):
    """An answer that does not parse as its record."""


def query_frame(seq, what, ident=0, offset=0, cursor=0):
    """QUERY: what u8, id u16, offset u16, cursor u64 (13 bytes)."""
    return rp.host_frame(QUERY, seq, struct.pack("<BHHQ", what, ident, offset, cursor))


def answer(frame):
    """(what, status, id, record bytes) of an ANSWER frame."""
    p = frame.payload
    if len(p) < 4:
        raise RecordError("short answer")
    what, status, ident = struct.unpack_from("<BBH", p)
    return what, status, ident, p[4:]


def fault_text(kind, code):
    if kind == 5:
        return SIGNALS.get(code, "signal %d" % code)
    return FAULT_KINDS[kind] if kind < len(FAULT_KINDS) else "other"


class Reader:
    def __init__(self, data):
        self.d, self.i = data, 0

    def take(self, fmt):
        size = struct.calcsize(fmt)
        if self.i + size > len(self.d):
            raise RecordError("record cut short")
        v = struct.unpack_from(fmt, self.d, self.i)
        self.i += size
        return v if len(v) > 1 else v[0]

    def many(self, n, code="Q"):
        if n == 0:
            return []
        size = struct.calcsize("<%d%s" % (n, code))
        if self.i + size > len(self.d):
            raise RecordError("record cut short")
        v = list(struct.unpack_from("<%d%s" % (n, code), self.d, self.i))
        self.i += size
        return v

    def raw(self, n):
        if self.i + n > len(self.d):
            raise RecordError("record cut short")
        v = self.d[self.i:self.i + n]
        self.i += n
        return bytes(v)

    def str(self):
        return self.raw(self.take("<B")).decode("ascii", "replace")


def parse_system(data):
    r = Reader(data)
    version, ncores, nshards, nchannels, nparts, nbid, _ = r.take("<H6B")
    uptime, tick, trace_entries = r.take("<QQI")
    mhash = r.raw(32)
    bid = r.raw(20)[:nbid]
    return {"protocol": version, "cores": ncores, "shards": nshards, "channels": nchannels, "parts": nparts,
            "uptime_ns": uptime, "tick_ns": tick, "trace_entries": trace_entries, "manifest_hash": mhash.hex(),
            "build_id": bid.hex(), "arch": r.str(), "name": r.str()}


def parse_part(data):
    r = Reader(data)
    kind, size, version = r.take("<IQQ")
    sha = r.raw(32)
    return {"name": r.str(), "kind": "kernel" if kind == 0 else "shard", "size": size, "version": version,
            "sha256": sha.hex()}


SHARD_COUNTERS = ("version", "runs", "yields", "notify_sent", "notify_recv", "irqs", "syscalls", "bad_syscalls",
                  "faults", "hangs", "restarts", "run_ns")


def parse_shard(data):
    r = Reader(data)
    core, state, reason, kind = r.take("<HBBB")
    r.raw(3)
    out = {"core": core, "state": STATES[state] if state < len(STATES) else "?"}
    out.update(zip(SHARD_COUNTERS, r.take("<12Q")))
    code, addr, pc, hang_ns, at = r.take("<5Q")
    stack_size, stack_used = r.take("<II")
    out["name"] = r.str()
    if reason == 1:
        out["last_fault"] = {"what": "fault", "kind": fault_text(kind, code), "addr": addr, "pc": pc, "at_ns": at}
    elif reason == 2:
        out["last_fault"] = {"what": "hang", "no_yield_ns": hang_ns, "at_ns": at}
    else:
        out["last_fault"] = None
    out["stack_size"] = stack_size or None
    out["stack_used"] = None if stack_used == 0xFFFFFFFF else stack_used
    return out


def parse_channel(data):
    r = Reader(data)
    frm, to, slots, slot_size, head, tail, hwm, flags = r.take("<HHIIIIII")
    np, nc, sp, sc, formats = r.take("<5Q")
    return {"name": r.str(), "from_id": frm, "to_id": to, "slots": slots, "slot_size": slot_size,
            "produced": head, "consumed": tail, "occupancy": (head - tail) & 0xFFFFFFFF,
            "high_water": min(hwm, slots), "producer_sleeps": bool(flags & 1), "consumer_sleeps": bool(flags & 2),
            "notifies_producer": np, "notifies_consumer": nc, "errors_producer": sp, "errors_consumer": sc,
            "resets": formats}


def parse_core(data):
    r = Reader(data)
    current, nshards, _ = r.take("<HHI")
    busy, idle, ticks, ipis = r.take("<4Q")
    return {"current_id": None if current == 0xFFFF else current, "nshards": nshards, "busy_ns": busy,
            "idle_ns": idle, "ticks": ticks, "ipis": ipis}


def parse_trace(data):
    """(total, first seq, [(seq, time, arg, shard, event)])."""
    r = Reader(data)
    total, first, count = r.take("<QQB")
    events = []
    for i in range(count):
        t, arg, shard, ev = r.take("<QQHH")
        events.append((first + i, t, arg, shard, ev))
    return total, first, events


CAPTURE_HEAD = "<IIIHHQ"
# Frame bytes one capture answer carries (the rest: the answer's and the
# record's headers).
CAPTURE_SNAP = rp.MAX_PAYLOAD - 4 - struct.calcsize(CAPTURE_HEAD)


def parse_capture(data):
    """A frame waiting in a packet channel (kern/inspect/capture.c): dict
    of the ring's head and tail, the frame's ring index, length, flags,
    the kernel's time, and the chunk of its bytes."""
    r = Reader(data)
    head, tail, index, length, flags, t = r.take(CAPTURE_HEAD)
    return {"head": head, "tail": tail, "index": index, "len": length, "flags": flags, "time_ns": t,
            "chunk": bytes(data[r.i:])}


def parse_crash_chunk(data):
    """(crash count, record length, chunk bytes)."""
    r = Reader(data)
    count, length = r.take("<IH")
    return count, length, bytes(data[r.i:])


def parse_crash(data):
    r = Reader(data)
    kind, nregs, nframes, stack_len = r.take("<IBBH")
    code, addr, pc, sp, fp, at, version, base, stack_va = r.take("<9Q")
    regs = r.many(nregs)
    frames = r.many(nframes)
    stack = r.raw(stack_len)
    return {"kind": fault_text(kind, code), "code": code, "addr": addr, "pc": pc, "sp": sp, "fp": fp, "at_ns": at,
            "version": version, "base": base, "regs": regs, "frames": frames, "stack_va": stack_va,
            "stack": stack.hex()}
