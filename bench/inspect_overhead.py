#!/usr/bin/python3
"""What watching costs (issue 13): the example pipeline's throughput while
nobody asks the kernel anything against while `tessera top` refreshes at
10 Hz, in the same run, alternating windows (off, on, off, on, ...) so a
disturbance of the machine hits both alike.

Throughput is read from the sink's own console lines (`count=N`, one per
100 000 messages): messages per second of host time in the simulator; on
QEMU (TCG, the kernel built with --stamps) messages per second of the
guest's own clock. Not under -icount shift=0: the pipeline stalls there
within the first second of guest time (QEMU 7.2's round-robin vCPU thread
and `wfi`, bench/README.md "QEMU figures"), long before a window ends.

On this 2-CPU machine `top` itself (a Python process) takes host CPU from
the simulator's threads or QEMU's vCPUs, so the throughput ratio mixes
what the guest pays with what the host lends. The second figure is the
guest's alone: gen, the bottleneck, runs flat out on core 0, which is
also the console core that answers the queries in its receive interrupt;
gen's share of core 0's time (its run time over core 0's busy + idle time,
from the kernel's counters read once before and once after each window)
drops by exactly what the console work takes from it. Prints per window
both, then the medians and their ratios (on / off).

Usage: bench/inspect_overhead.py [--target sim|aarch64|riscv64] [--window S] [--rounds N]
"""
import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera.backend import hub, qemu, target  # noqa: E402
from tessera.inspect import client  # noqa: E402

TESSERA = os.path.join(ROOT, "tessera")
COUNT = re.compile(r"^(?:\[(\d+)\.(\d{9})\] )?shard:sink\| count=(\d+) ")


class Console:
    """Sink counts as (host time, run time in ns, count)."""

    def __init__(self):
        self.counts, self.url, self.partial = [], None, b""
        self.cv = threading.Condition()

    def line(self, text):
        now = time.monotonic()
        m = re.match(r"^sim\| console on tcp (\S+)$", text)
        if m:
            with self.cv:
                self.url = "socket://" + m.group(1)
                self.cv.notify_all()
        m = COUNT.match(text)
        if m:
            guest = int(m.group(1)) * 10**9 + int(m.group(2)) if m.group(1) else None
            with self.cv:
                self.counts.append((now, guest if guest is not None else int(now * 1e9), int(m.group(3))))

    def text(self, data):
        self.partial += data
        *done, self.partial = self.partial.split(b"\n")
        for ln in done:
            self.line(ln.decode(errors="replace").rstrip("\r"))

    def wait_url(self, deadline=300):
        with self.cv:
            self.cv.wait_for(lambda: self.url, deadline)
        if not self.url:
            raise SystemExit("the system never said where its console is")


def start_sim(manifest, con):
    proc = subprocess.Popen([TESSERA, "sim", manifest, "--console-port", "0", "--duration", "3600s"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def read():
        for raw in proc.stdout:
            con.line(raw.decode(errors="replace").rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    con.wait_url()
    return proc


def start_qemu(manifest, arch, out, con):
    built = target.build(manifest, arch, out, stamps=True)
    qport = hub.free_port()
    proc = subprocess.Popen(hub.socket_console(qemu.qemu_argv(built), qport),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    h = hub.Hub(qport, con.text, alive=lambda: proc.poll() is None).start()
    con.url = h.url
    return proc


def gen_share(url):
    """(gen's run ns, core 0's busy + idle ns)."""
    port = client.open_port(url)
    try:
        c = client.Client(port, timeout=5.0)
        snap = client.snapshot(c, ("system", "shards", "cores"), parts=False)
    finally:
        port.close()
    gen = [x for x in snap["shards"] if x["name"] == "gen"][0]
    core = snap["cores"][gen["core"]]
    return gen["run_ns"], core["busy_ns"] + core["idle_ns"]


def rate(counts, start, end):
    """Messages per second of run time between the first and the last
    count printed in [start, end) of host time."""
    inside = [c for c in counts if start <= c[0] < end]
    if len(inside) < 2 or inside[-1][1] == inside[0][1]:
        return None
    return (inside[-1][2] - inside[0][2]) * 1e9 / (inside[-1][1] - inside[0][1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", default="sim", choices=("sim", "aarch64", "riscv64"))
    ap.add_argument("--window", type=float, default=10.0, help="seconds per window (default 10)")
    ap.add_argument("--rounds", type=int, default=5, help="off/on pairs (default 5)")
    args = ap.parse_args()
    con = Console()
    tmp = tempfile.mkdtemp(prefix="inspect-bench-")
    if args.target == "sim":
        proc = start_sim(os.path.join(ROOT, "manifest", "examples", "packet-pipeline.yaml"), con)
    else:
        proc = start_qemu(os.path.join(ROOT, "manifest", "examples", "packet-pipeline-%s.yaml" % args.target),
                          args.target, tmp, con)
    try:
        while len(con.counts) < 3:  # up and counting
            time.sleep(0.5)
            if proc.poll() is not None:
                raise SystemExit("the system ended")
        windows = []
        for _ in range(args.rounds):
            for observed in (False, True):
                top = None
                a = gen_share(con.url)
                if observed:
                    top = subprocess.Popen([TESSERA, "top", "--port", con.url, "--interval", "0.1", "--plain"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                start = time.monotonic()
                time.sleep(args.window)
                end = time.monotonic()
                if top:
                    top.send_signal(signal.SIGINT)
                    top.wait()
                b = gen_share(con.url)
                windows.append((observed, start, end, (b[0] - a[0]) / (b[1] - a[1])))
        off, on, soff, son = [], [], [], []
        unit = "msg/s of guest time" if args.target != "sim" else "msg/s"
        print("inspect-overhead| target %s, %d rounds of %.0f s off + %.0f s with `top --interval 0.1`"
              % (args.target, args.rounds, args.window, args.window))
        for observed, start, end, share in windows:
            r = rate(con.counts, start, end)
            print("  %-9s %s, gen's share of core 0 %.4f" % ("top 10 Hz" if observed else "unwatched",
                                                             "%.0f %s" % (r, unit) if r else "-", share))
            (son if observed else soff).append(share)
            if r:
                (on if observed else off).append(r)
        if off and on:
            mo, mn = statistics.median(off), statistics.median(on)
            print("throughput: median unwatched %.0f, with top %.0f: ratio %.4f" % (mo, mn, mn / mo))
        mo, mn = statistics.median(soff), statistics.median(son)
        print("gen's share of core 0: median unwatched %.4f, with top %.4f: ratio %.4f" % (mo, mn, mn / mo))
    finally:
        proc.send_signal(signal.SIGINT) if args.target == "sim" else proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
