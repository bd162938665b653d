"""`tessera top --port PORT`: a live view of a running system (docs/
inspect.md "top"): per shard its state and share of its core, per
channel messages a second, per core busy %, refreshed every --interval
seconds from the kernel's counters (rates are differences of two reads,
over the kernel's own clock). On a terminal it draws with curses (q
quits); otherwise, or with --plain, it prints one block per refresh."""
import sys
import time

from tessera.commands import inspect as cmd_inspect
from tessera.errors import TesseraError
from tessera.inspect import client


def add_parser(sub):
    p = sub.add_parser("top", help="live view of a running system over its console",
                       description="Refresh per-shard state and CPU share, per-channel messages/s and per-core "
                       "busy % from the kernel on PORT.")
    cmd_inspect.add_port_arguments(p)
    p.add_argument("--interval", metavar="S", type=float, default=1.0, help="seconds between refreshes (default 1)")
    p.add_argument("--count", metavar="N", type=int, help="stop after N refreshes")
    p.add_argument("--plain", action="store_true", help="print blocks of text even on a terminal")
    return p


def rates(prev, cur):
    """The view: rows of text from two snapshots (prev may be None)."""
    dt = (cur["system"]["uptime_ns"] - prev["system"]["uptime_ns"]) if prev else 0
    s = cur["system"]
    rows = ["tessera top: %s (%s), up %.1f s" % (s["name"], s["arch"], s["uptime_ns"] / 1e9), "",
            "%-12s %4s %-10s %7s %10s %8s %8s" % ("shard", "core", "state", "cpu %", "runs/s", "faults",
                                                  "restarts")]
    old = {x["id"]: x for x in prev["shards"]} if prev else {}
    for x in cur["shards"]:
        o = old.get(x["id"])
        cpu = 100.0 * (x["run_ns"] - o["run_ns"]) / dt if o and dt else 0.0
        runs = (x["runs"] - o["runs"]) * 1e9 / dt if o and dt else 0.0
        rows.append("%-12s %4d %-10s %7.1f %10.0f %8d %8d" % (x["name"], x["core"], x["state"], cpu, runs,
                                                              x["faults"], x["restarts"]))
    rows += ["", "%-20s %-24s %12s %9s %11s" % ("channel", "from -> to", "msgs/s", "in ring", "high/slots")]
    old = {x["id"]: x for x in prev["channels"]} if prev else {}
    for x in cur["channels"]:
        o = old.get(x["id"])
        rate = ((x["consumed"] - o["consumed"]) & 0xFFFFFFFF) * 1e9 / dt if o and dt else 0.0
        rows.append("%-20s %-24s %12.0f %9d %11s" % (x["name"], "%s -> %s" % (x["from"], x["to"]), rate,
                                                     x["occupancy"], "%d/%d" % (x["high_water"], x["slots"])))
    rows += ["", "%-4s %7s %-12s %8s" % ("core", "busy %", "running", "ipis/s")]
    old = {x["id"]: x for x in prev["cores"]} if prev else {}
    for x in cur["cores"]:
        o = old.get(x["id"])
        busy = idle = 0
        if o:
            busy, idle = x["busy_ns"] - o["busy_ns"], x["idle_ns"] - o["idle_ns"]
        ipis = (x["ipis"] - o["ipis"]) * 1e9 / dt if o and dt else 0.0
        rows.append("%-4d %7.1f %-12s %8.0f" % (x["id"], 100.0 * busy / (busy + idle) if busy + idle else 0.0,
                                                x["current"] or "-", ipis))
    return rows


def plain(c, interval, count):
    prev, n = None, 0
    while count is None or n < count:
        cur = client.snapshot(c, parts=False)
        if prev is not None:  # rates need two samples
            sys.stdout.write("\n".join(rates(prev, cur)) + "\n\n")
            sys.stdout.flush()
            n += 1
        prev = cur
        time.sleep(interval)


def live(c, interval, count):
    import curses

    def draw(scr):
        curses.curs_set(0)
        scr.timeout(int(interval * 1000))
        prev, n = None, 0
        while count is None or n < count:
            cur = client.snapshot(c, parts=False)
            scr.erase()
            h, w = scr.getmaxyx()
            for y, row in enumerate(rates(prev, cur)[:h - 1]):
                scr.addnstr(y, 0, row, w - 1)
            scr.addnstr(h - 1, 0, "q: quit  (%d queries sent)" % c.queries, w - 1)
            scr.refresh()
            prev, n = cur, n + 1
            if scr.getch() in (ord("q"), 27):
                return

    curses.wrapper(draw)


def run(args):
    if args.interval <= 0:
        raise TesseraError("--interval must be more than 0")
    port, c = cmd_inspect.connect(args)
    try:
        if args.plain or not sys.stdout.isatty():
            plain(c, args.interval, args.count)
        else:
            live(c, args.interval, args.count)
    finally:
        port.close()
    return 0
