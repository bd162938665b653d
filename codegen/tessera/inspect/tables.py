"""Human tables of `tessera inspect` (docs/inspect.md), in the column
style of the simulator's end-of-run table (sim/report.c)."""
from tessera.inspect import proto as ip


def _ms(ns):
    return "%.1f" % (ns / 1e6)


def _fault(lf):
    if not lf:
        return "-"
    if lf["what"] == "hang":
        return "watchdog: no yield for %d ms at %s s" % (lf["no_yield_ns"] // 1000000, _s(lf["at_ns"]))
    return "%s at 0x%x pc 0x%x at %s s" % (lf["kind"], lf["addr"], lf["pc"], _s(lf["at_ns"]))


def _s(ns):
    return "%.3f" % (ns / 1e9)


def shards(snap):
    rows = ["%-12s %4s %-10s %10s %10s %10s %8s %8s %6s %5s %8s %10s %11s  %s" % (
        "shard", "core", "state", "version", "runs", "yields", "notif-tx", "notif-rx", "faults", "hangs", "restarts",
        "time (ms)", "stack", "last fault")]
    for s in snap["shards"]:
        stack = "%d/%d" % (s["stack_used"], s["stack_size"]) if s["stack_used"] is not None else "-"
        rows.append("%-12s %4d %-10s %10d %10d %10d %8d %8d %6d %5d %8d %10s %11s  %s" % (
            s["name"], s["core"], s["state"], s["version"], s["runs"], s["yields"], s["notify_sent"],
            s["notify_recv"], s["faults"], s["hangs"], s["restarts"], _ms(s["run_ns"]), stack,
            _fault(s["last_fault"])))
    return rows


def channels(snap):
    rows = ["%-20s %-24s %12s %12s %9s %11s %13s %6s %9s %6s" % (
        "channel", "from -> to", "produced", "consumed", "in ring", "high/slots", "notifies P/C", "sleeps",
        "errors", "resets")]
    for c in snap["channels"]:
        sleeps = ("P" if c["producer_sleeps"] else "-") + ("C" if c["consumer_sleeps"] else "-")
        rows.append("%-20s %-24s %12d %12d %9d %11s %13s %6s %9s %6d" % (
            c["name"], "%s -> %s" % (c.get("from", c["from_id"]), c.get("to", c["to_id"])), c["produced"],
            c["consumed"], c["occupancy"], "%d/%d" % (c["high_water"], c["slots"]),
            "%d/%d" % (c["notifies_producer"], c["notifies_consumer"]), sleeps,
            "%d/%d" % (c["errors_producer"], c["errors_consumer"]), c["resets"]))
    return rows


def cores(snap):
    rows = ["%-4s %-12s %7s %12s %12s %10s %10s" % ("core", "running", "busy %", "busy (ms)", "idle (ms)", "ticks",
                                                    "ipis")]
    for c in snap["cores"]:
        total = c["busy_ns"] + c["idle_ns"]
        rows.append("%-4d %-12s %7.1f %12s %12s %10d %10d" % (
            c["id"], c["current"] or "-", 100.0 * c["busy_ns"] / total if total else 0.0, _ms(c["busy_ns"]),
            _ms(c["idle_ns"]), c["ticks"], c["ipis"]))
    return rows


def system(snap):
    s = snap["system"]
    rows = ["system      %s" % s["name"], "arch        %s" % s["arch"], "uptime      %s s" % _s(s["uptime_ns"]),
            "manifest    %s" % s["manifest_hash"], "build id    %s" % (s["build_id"] or "-"),
            "cores %d, shards %d, channels %d, tick %d us, trace %d events per core" % (
                s["cores"], s["shards"], s["channels"], s["tick_ns"] // 1000, s["trace_entries"]),
            "%-12s %-6s %10s %8s  %s" % ("part", "kind", "size", "version", "sha256")]
    for p in s["image"]:
        rows.append("%-12s %-6s %10d %8s  %s" % (p["name"], p["kind"], p["size"], p["version"] or "-", p["sha256"]))
    return rows


def trace(events):
    rows = ["%14s %4s %-12s %-10s %s" % ("time (ns)", "core", "shard", "event", "arg")]
    for e in events:
        rows.append("%14d %4d %-12s %-10s 0x%x" % (e["time_ns"], e["core"], e["shard"], e["event"], e["arg"]))
    return rows


def crashes(records, regnames):
    rows = []
    for c in records:
        if not c.get("crash"):
            rows.append("%s: no crash recorded" % c["shard"])
            continue
        r = c["crash"]
        rows.append("%s: crash %d: %s at 0x%x pc 0x%x, version %d, at %s s" % (
            c["shard"], r["count"], r["kind"], r["addr"], r["pc"], r["version"], _s(r["at_ns"])))
        rows.append("  backtrace: %s" % (r.get("backtrace_text") or " <- ".join("0x%x" % a for a in
                                                                            [r["pc"]] + r["frames"])))
        names = list(regnames) + ["r%d" % i for i in range(len(regnames), len(r["regs"]))]
        regs = ["%6s %016x" % (names[i], v) for i, v in enumerate(r["regs"])]
        for i in range(0, len(regs), 4):
            rows.append("  " + "  ".join(regs[i:i + 4]))
        stack = bytes.fromhex(r["stack"])
        for off in range(0, len(stack) - 7, 32):  # as little-endian words, like the registers
            words = [int.from_bytes(stack[i:i + 8], "little") for i in range(off, min(off + 32, len(stack) - 7), 8)]
            rows.append("  %016x: %s" % (r["stack_va"] + off, " ".join("%016x" % w for w in words)))
    return rows


EVENT_NAMES = ip.EVENTS
