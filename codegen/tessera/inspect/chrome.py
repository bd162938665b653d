"""Kernel trace events as Chrome trace-event JSON (the format Perfetto and
chrome://tracing open; docs/inspect.md "trace"): one process, the system;
one thread per core; a shard's turn from its dispatch to the event that
ended it (yield, fault, hang) as a complete ("X") slice named after the
shard; every other event as an instant ("i") on its core. Times in
microseconds from the kernel's clock."""
import json

from tessera.inspect import proto as ip

ENDS = {"yield", "fault", "hang", "halt", "panic"}


def events_json(system, events):
    """events: dicts with core, time_ns, shard, event, arg (any order)."""
    out = [{"ph": "M", "name": "process_name", "pid": 1, "tid": 0, "args": {"name": "tessera %s" % system}}]
    cores = sorted({e["core"] for e in events})
    for c in cores:
        out.append({"ph": "M", "name": "thread_name", "pid": 1, "tid": c, "args": {"name": "core %d" % c}})
    open_turn = {}
    for e in sorted(events, key=lambda e: (e["core"], e["time_ns"], e["seq"])):
        c, ts, ev = e["core"], e["time_ns"] / 1000.0, e["event"]
        if ev == "dispatch":
            open_turn[c] = e
            continue
        start = open_turn.get(c)
        if ev in ENDS and start is not None and start["shard"] == e["shard"]:
            out.append({"ph": "X", "name": e["shard"], "cat": "turn", "pid": 1, "tid": c,
                        "ts": start["time_ns"] / 1000.0, "dur": (e["time_ns"] - start["time_ns"]) / 1000.0,
                        "args": {"ended_by": ev, "pending": start["arg"], "arg": e["arg"]}})
            del open_turn[c]
            if ev == "yield":
                continue
        out.append({"ph": "i", "s": "t", "name": ev, "cat": "kernel", "pid": 1, "tid": c, "ts": ts,
                    "args": {"shard": e["shard"], "arg": e["arg"]}})
    # Per core in time order (a turn's slice is known only at its end).
    out[1 + len(cores):] = sorted(out[1 + len(cores):], key=lambda e: (e["tid"], e["ts"]))
    return json.dumps({"traceEvents": out, "displayTimeUnit": "ns"}, indent=None)


def event_dict(core, raw, shard_names):
    seq, t, arg, shard, ev = raw
    return {"core": core, "seq": seq, "time_ns": t, "arg": arg,
            "shard": shard_names[shard] if shard < len(shard_names) else "?",
            "event": ip.EVENTS[ev] if ev < len(ip.EVENTS) else "?"}
