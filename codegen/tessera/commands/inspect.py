"""`tessera inspect --port PORT WHAT`: look inside a running system over
its console (docs/inspect.md): shards, channels, cores, system, trace,
crashes, as tables or --json. Read-only: the kernel answers each query
from its counters and changes nothing."""
import json
import os
import re
import sys

from tessera import arch as arches
from tessera.errors import TesseraError
from tessera.inspect import chrome, client, symbolize, tables

WHATS = ("shards", "channels", "cores", "system", "trace", "crashes")


def add_port_arguments(p):
    p.add_argument("--port", metavar="PORT", required=True,
                   help="the console: serial device or pyserial URL (socket://127.0.0.1:PORT for `tessera sim "
                   "--console-port`, a QEMU pty, ...)")
    p.add_argument("--baud", type=int, default=115200, help="baud rate (default 115200)")
    p.add_argument("--timeout", metavar="S", type=float, default=1.0, help="seconds per query before a resend")
    return p


def add_build_arguments(p):
    p.add_argument("--arch", metavar="ARCH", help="the system's architecture (default: as the kernel says)")
    p.add_argument("--manifest", metavar="M", help="the running manifest (finds the simulator's build)")
    p.add_argument("--out", metavar="DIR", default="out", help="`tessera build` output with shards/*.elf "
                   "(default: out)")
    return p


def add_parser(sub):
    p = sub.add_parser("inspect", help="look inside a running system over its console",
                       description="Ask the kernel on PORT for WHAT and print it: %s. Read-only." % ", ".join(WHATS))
    p.add_argument("what", metavar="WHAT", choices=WHATS, help=" | ".join(WHATS))
    add_port_arguments(p)
    add_build_arguments(p)
    p.add_argument("--json", action="store_true", help="JSON for scripts instead of a table")
    return p


def connect(args):
    port = client.open_port(args.port, args.baud)
    return port, client.Client(port, timeout=args.timeout)


def shard_elf(args, system, shard):
    """The shard's ELF in the build directory (None if not found)."""
    arch = args.arch or system["arch"]
    if arch == "host":
        from tessera.backend import build, sim

        if args.manifest:
            bdir = sim.build_dir(sim.plan(args.manifest))
        else:
            bdir = build.build_dir("sim", re.sub(r"[^A-Za-z0-9_.-]", "_", system["name"]))
        path = os.path.join(bdir, "sim", "shard_" + shard)
    else:
        path = os.path.join(args.out, "shards", shard + ".elf")
    return path if os.path.isfile(path) else None


def trace_events(c, snap):
    """Every core's ring, merged in time order (ties: core, then seq)."""
    names = [s["name"] for s in snap["shards"]]
    events, lost = [], 0
    for core in range(snap["system"]["cores"]):
        raw, _, lost_here = c.trace(core)
        lost += lost_here
        events += [chrome.event_dict(core, r, names) for r in raw]
    events.sort(key=lambda e: (e["time_ns"], e["core"], e["seq"]))
    return events, lost


def crash_records(c, snap, args):
    out = []
    for s in snap["shards"]:
        rec = c.crash(s["id"])
        if rec:
            elf = shard_elf(args, snap["system"], s["name"])
            rec["elf"] = elf
            rec["backtrace"] = symbolize.backtrace(rec, elf)
            rec["backtrace_text"] = symbolize.text(rec["backtrace"])
        out.append({"shard": s["name"], "crash": rec})
    return out


def run(args):
    port, c = connect(args)
    try:
        what = ("system",) if args.what == "system" else ("system", args.what)
        snap = client.snapshot(c, what)
        if args.what == "trace":
            snap["trace"], snap["trace_lost"] = trace_events(c, snap)
        elif args.what == "crashes":
            snap["crashes"] = crash_records(c, snap, args)
    finally:
        port.close()
    if args.json:
        key = args.what
        doc = snap[key] if key != "system" else snap["system"]
        print(json.dumps(doc, indent=1, sort_keys=True))
        return 0
    if args.what == "crashes":
        rows = tables.crashes(snap["crashes"], arches.crash_regs(args.arch or snap["system"]["arch"]))
    elif args.what == "trace":
        rows = tables.trace(snap["trace"])
    else:
        rows = getattr(tables, args.what)(snap)
    sys.stdout.write("\n".join(rows) + "\n")
    return 0
