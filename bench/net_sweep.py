#!/usr/bin/python3
"""The UDP echo pipeline (manifest/examples/udp-echo*.yaml) under offered
load, driven by `tessera traffic`'s engine over the -netdev dgram wire.

  sweep     for each offered rate (frames/s, paced, 64-byte frames unless
            --size): frames sent, echoed, lost, RTT p50/p99; the zero-loss
            rate is the highest rate actually sent that lost nothing
  icount    (QEMU, -icount shift=0) guest instructions per echoed frame
            for the whole pipeline (driver rx -> classify -> echo -> driver
            tx, kernel included) over a window of --frames echoes: WINDOW
            frames kept in flight, a counters query (a frame to classify's
            stats_port: net0 logs rx/tx) at the start and the end of the
            window. Instructions executed are counted from QEMU's exec log
            (-d exec,nochain,in_asm: every translated block's instructions
            times its executions), between the two executions of net0's
            net_log_stats, and attributed to the kernel's or a shard's
            function by their ELF symbols: where the time goes. The virtual
            clock between the same queries (console time stamps, `tessera
            build --stamps`; one instruction = 1 ns) is printed beside it:
            it also counts the time every vCPU idled waiting for frames
            (the host tool, not the guest, sets the pace), so it is an
            upper bound.

Usage: bench/net_sweep.py [--target sim|aarch64|riscv64] [--rates R,R,...]
       [--seconds S] [--size N] [--icount [--frames N] [--window N]]
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera.backend import net, qemu, sim, target  # noqa: E402
from tessera.errors import TesseraError  # noqa: E402
from tessera.traffic import frames, report  # noqa: E402
from tessera.traffic import run as engine  # noqa: E402

GUEST, HOST = ("127.0.0.1", 45711), ("127.0.0.1", 45712)
STATS_PORT = 9
WINDOW = 128
QUERY_EVERY = 5000
OUTSIDE = "(no ELF: firmware)"  # riscv64: OpenSBI's SBI calls (timer, IPIs)
STAMP = re.compile(r"^\[(\d+)\.(\d{9})\] (.*)$")
UP = re.compile(r"shard:net0\| virtio-net .* up \(first start\)")
QUERY = re.compile(r"shard:net0\| stats\(query\) rx=(\d+) tx=(\d+)")


class System:
    """The pipeline running with its console collected (time-stamped lines
    when the build has --stamps)."""

    def __init__(self, tgt, icount=False, qemu_log=None):
        spec = net.NetSpec(device=None, local=GUEST, remote=HOST, mac=None)
        self.elfs = []
        if tgt == "sim":
            p = sim.plan(os.path.join(ROOT, "manifest", "examples", "udp-echo.yaml"))
            argv = [sim.build(p, sanitize=False)] + net.sim_args(p, [spec])
        else:
            built = target.build(os.path.join(ROOT, "manifest", "examples", "udp-echo-%s.yaml" % tgt), tgt,
                                 os.path.join(ROOT, "build", "bench-net-" + tgt), stamps=icount)
            argv = qemu.qemu_argv(built, icount=icount, net=[spec])
            if qemu_log:
                argv += ["-d", "exec,nochain,in_asm", "-D", qemu_log]
            self.elfs = [built["elf"]] + [s["elf"] for s in built["shards"]]
        self.lines = []
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait(UP, 300)

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            m = STAMP.match(line)
            self.lines.append((int(m.group(1)) * 10**9 + int(m.group(2)), m.group(3)) if m else (None, line))

    def wait(self, rx, seconds, after=0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for t, text in self.lines[after:]:
                m = rx.search(text)
                if m:
                    return t, m
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise TesseraError("no console line /%s/ (last: %s)" % (rx.pattern, [t for _, t in self.lines[-5:]]))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def flow():
    return frames.Flow(src_mac=frames.mac("02:00:00:00:00:01", "mac"), dst_mac=frames.mac("52:54:00:12:34:56", "mac"),
                       src_ip=frames.ipv4("10.0.0.1", "ip"), dst_ip=frames.ipv4("10.0.0.2", "ip"),
                       src_port=40000, dst_port=7)


def sweep(system, rates, seconds, size):
    rows = []
    for i, rate in enumerate(rates):
        wire = engine.Wire(HOST, GUEST)
        try:
            res = engine.run(wire, flow(), engine.Options(count=int(rate * seconds), sizes=(size, size), rate=rate,
                                                          timeout=1.0), run_id=0x5eed0000 + i)
        finally:
            wire.close()
        f = report.figures(res)
        rows.append((rate, f))
        print("bench| offered %7d/s: sent %7d/s echoed %7d/s lost %6d (%5.2f%%) rtt p50 %8.1f us p99 %8.1f us%s"
              % (rate, f["sent_pps"], f["received_pps"], f["lost"], 100.0 * f["lost"] / max(1, f["sent"]),
                 f["rtt_us"]["p50"], f["rtt_us"]["p99"],
                 "".join(" %s %d" % (k, f[k]) for k in ("reordered", "duplicated", "corrupted", "late", "unexpected")
                         if f[k])), flush=True)
        if f["received"] == 0:  # something went wrong: show the console's last words
            print("\n".join("bench|   console: " + t for _, t in system.lines[-10:]))
        time.sleep(0.5)
    # What was actually sent counts (on a loaded host the tool may not keep
    # up with the offered rate).
    zero = [f["sent_pps"] for _, f in rows if f["lost"] == 0]
    print("bench| zero-loss rate: %s" % ("%d frames/s (highest rate sent with nothing lost)" % max(zero) if zero
                                         else "none of the rates"))


def saturate(system, frames_total, size):
    """WINDOW frames in flight for frames_total echoes, a counters query
    every QUERY_EVERY echoes; returns the (virtual time, tx) of each
    query's stats line."""
    f = flow()
    tpl = frames.Templates(f, 0x1c0)
    qtpl = frames.Templates(frames.Flow(**dict(f.__dict__, dst_port=STATS_PORT)), 0x1c1)
    wire = engine.Wire(HOST, GUEST)
    before = len(system.lines)
    sent = got = queries = 0
    in_flight = 0
    last = time.monotonic()
    try:
        while got < frames_total:
            while in_flight < WINDOW and sent < frames_total:
                wire.send(tpl.frame(sent, size))
                sent += 1
                in_flight += 1
            wire.wait(0.5)
            fr = wire.recv()
            while fr is not None:
                if frames.check(tpl, fr, lambda s: size if 0 <= s < sent else None) >= 0:
                    got += 1
                    in_flight -= 1
                    last = time.monotonic()
                    if got % QUERY_EVERY == 0:
                        wire.send(qtpl.frame(queries, 64))
                        queries += 1
                fr = wire.recv()
            if time.monotonic() - last > 2:  # frames lost on the way: refill the window
                in_flight = 0
                last = time.monotonic()
    finally:
        wire.close()
    time.sleep(1)
    points = []
    for t, text in system.lines[before:]:
        m = QUERY.search(text)
        if m and t is not None:
            points.append((t, int(m.group(2))))
    return points


# ---------------------------------------------------------------- profile
def symbols(elfs):
    """Sorted (address, name, file) of every function symbol."""
    out = []
    for elf in elfs:
        r = subprocess.run(["llvm-nm", "--defined-only", "-n", elf], stdout=subprocess.PIPE, text=True)
        tag = os.path.basename(elf)
        for line in r.stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW" and not parts[2].startswith((".L", "$")):
                out.append((int(parts[0], 16), parts[2], tag))
    out.sort()
    return out


def profile(log, elfs, frames_between, size):
    """Instructions per function between the first and the last execution
    of net_log_stats (the counters queries), per echoed frame."""
    insns = {}
    cur = None
    execs = []
    trace = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                cur = None
                continue
            if line.startswith("0x") and ":" in line[:20]:
                pc = int(line.split(":", 1)[0], 16)
                if cur is None:
                    cur = pc
                    insns[cur] = 0
                insns[cur] += 1
                continue
            m = trace.match(line)
            if m:
                execs.append(int(m.group(1), 16))
    syms = symbols(elfs)
    addrs = [s[0] for s in syms]
    marker = [i for i, pc in enumerate(execs) if syms[bisect.bisect_right(addrs, pc) - 1][1] == "net_log_stats"]
    if len(marker) < 2:
        raise TesseraError("the exec log shows fewer than two counters queries")
    per = collections.Counter()
    total = 0
    for pc in execs[marker[0]:marker[-1]]:
        n = insns.get(pc, 0)
        s = syms[bisect.bisect_right(addrs, pc) - 1] if addrs and pc >= addrs[0] else (0, "-", OUTSIDE)
        per[(s[2], s[1])] += n
        total += n
    print("bench| executed: %d guest instructions over %d echoed frames: %.0f per echoed %d-byte frame"
          % (total, frames_between, total / frames_between, size))
    by_file = collections.Counter()
    for (fname, _), n in per.items():
        by_file[fname] += n
    for fname, n in by_file.most_common():
        print("bench|   %-24s %7.0f per frame (%4.1f%%)" % (fname, n / frames_between, 100.0 * n / total))
    for (fname, fn), n in per.most_common(25):
        print("bench|     %-20s %-32s %7.0f" % (fname, fn, n / frames_between))


def main():
    global QUERY_EVERY, WINDOW
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", default="sim", help="sim, aarch64 or riscv64 (default sim)")
    ap.add_argument("--rates", default="1000,2000,5000,10000,20000,40000,80000")
    ap.add_argument("--seconds", type=float, default=3.0, help="per rate (default 3)")
    ap.add_argument("--size", type=int, default=64, help="frame size (default 64)")
    ap.add_argument("--icount", action="store_true", help="QEMU -icount: instructions per echoed frame, profile")
    ap.add_argument("--frames", type=int, default=10000, help="echoes in the icount window (default 10000)")
    ap.add_argument("--window", type=int, default=WINDOW, help="frames in flight for --icount (default %d)" % WINDOW)
    a = ap.parse_args()
    WINDOW = a.window
    print("bench| %s, %d cpus, load average %s" % (
        subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], stdout=subprocess.PIPE,
                       text=True).stdout.strip(), os.cpu_count(), open("/proc/loadavg").read().split()[:3]))
    if a.icount and a.target == "sim":
        raise SystemExit("bench: --icount needs a QEMU target (aarch64, riscv64)")
    log = None
    if a.icount:
        log = tempfile.mktemp(prefix="qemu-exec-", suffix=".log", dir=os.path.join(ROOT, "build"))
    system = System(a.target, icount=a.icount, qemu_log=log)
    try:
        if a.icount:
            QUERY_EVERY = a.frames
            pts = saturate(system, 2 * a.frames + 1000, a.size)  # queries at frames, 2 * frames
            system.stop()
            if len(pts) < 2:
                raise TesseraError("the counters queries did not come back: %s" % pts)
            (t0, n0), (t1, n1) = pts[0], pts[-1]
            print("bench| virtual clock: %d ns over %d echoed frames: %.0f per frame (idle included)"
                  % (t1 - t0, n1 - n0, (t1 - t0) / (n1 - n0)))
            profile(log, system.elfs, n1 - n0, a.size)
        else:
            sweep(system, [int(r) for r in a.rates.split(",")], a.seconds, a.size)
    finally:
        system.stop()
        if log and os.path.exists(log):
            os.unlink(log)


if __name__ == "__main__":
    main()
