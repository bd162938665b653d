#!/usr/bin/python3
"""Hot-reload downtime in the simulator, and what a swap costs the shards
that share the swapped shard's core (bench/README.md, "Hot reload").

Runs tests/reload/sim/reload-pipeline.yaml (the filter alone on core 1) and
reload-pipeline-shared-core.yaml (the filter shares core 0 with the polling
gen), renamed reload-bench*, not sanitized, from a temporary copy; in each
it reloads the filter N times with shards/examples/filter_v2 (`tessera
reload --arch host`, version ids 2..N+1) while traffic flows, and prints
the kernel's downtime figures: from the stop of the old version to the end
of the new version's first entry after init (`kern| reload: shard filter:
downtime N ns`), transfer excluded. For the shared core it also prints what
gen went through, from the simulator's end-of-run lines (bench/sim_stall.c): the
gap between its two entries across the install, the longest gap until the
new filter finished its first entry after init, against gen's own entries
and gaps just before each swap. --compare adds a shared-core run with
TESS_SIM_PREPARE=0 (the whole fork + exec at the yield, as before
plat_shard_prepare). Also checks the sink saw every sequence number once,
in order.

    bench/sim_reload.py [-n 10] [--compare]
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESSERA = os.path.join(ROOT, "tessera")
EX = os.path.join(ROOT, "shards", "examples")


STALL = re.compile(r"sim\| swap of filter \(core \d+, install ([\d.]+) us\): gen waited ([\d.]+) us across it "
                   r"\(([\d.]+) us of it in other shards' entries\), at most ([\d.]+) us until the new version's "
                   r"first entry after init; its last \d+ entries before: median ([\d.]+) us, max ([\d.]+) us, "
                   r"gaps median ([\d.]+) us, max ([\d.]+) us, gaps less other shards' entries median ([\d.]+) us")


def run(manifest_file, name, n, env=None):
    """One simulator run with n reloads of the filter; its output lines."""
    tmp = tempfile.mkdtemp(prefix="tessera-reload-bench-")
    for src, dst in (("pktgen", "gen"), ("filter_v2", "filter"), ("common", "common")):
        shutil.copytree(os.path.join(EX, src), os.path.join(tmp, dst))
    shutil.copytree(os.path.join(ROOT, "tests", "reload", "sim", "rsink"), os.path.join(tmp, "rsink"))
    with open(os.path.join(ROOT, "tests", "reload", "sim", manifest_file)) as f:
        text = re.sub(r"^name: .*$", "name: " + name, f.read(), flags=re.M)
    manifest = os.path.join(tmp, "m.yaml")
    with open(manifest, "w") as f:
        f.write(text)
    sim = subprocess.Popen([TESSERA, "sim", "--console-port", "0", manifest], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, cwd=ROOT, env=dict(os.environ, **(env or {})))
    lines, port = [], threading.Event()

    def read():
        for raw in sim.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            lines.append(line)
            m = re.match(r"sim\| console on tcp 127\.0\.0\.1:(\d+)$", line)
            if m:
                port.url = "socket://127.0.0.1:" + m.group(1)
                port.set()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not port.wait(600):
            sys.exit("bench| the simulator did not start:\n" + "\n".join(lines[-30:]))
        for i in range(n):
            r = subprocess.run([TESSERA, "reload", "--arch", "host", "--manifest", manifest, "--shard", "filter",
                                "--port", port.url, "--image-version", str(i + 2)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                sys.exit("bench| reload %d failed:\n%s" % (i + 1, r.stdout.decode(errors="replace")))
    finally:
        sim.send_signal(signal.SIGINT)
        sim.wait()
        reader.join(10)
        shutil.rmtree(tmp, ignore_errors=True)
    return lines


def mmm(xs, unit=1.0, fmt="%.3f"):
    return ("min " + fmt + ", median " + fmt + ", max " + fmt) % (
        min(xs) / unit, statistics.median(xs) / unit, max(xs) / unit)


def report(lines, name, what, n):
    """Prints the figures of one run; returns the number of problems."""
    downs = [int(m.group(1)) for m in (re.match(r"kern\| reload: shard filter: downtime (\d+) ns", x)
                                       for x in lines) if m]
    errors = [x for x in lines if "seq error" in x]
    size = os.path.getsize(os.path.join(ROOT, "build", "sim", name, "sim", "shard_filter"))
    print("sim reload downtime (%s, filter, %d-byte executable, %d reloads): %s ms"
          % (what, size, len(downs), mmm(downs, 1e6)))
    stalls = [[float(v) for v in m.groups()] for m in map(STALL.match, lines) if m]
    if stalls:
        col = list(zip(*stalls))
        print("  install on the core (us): %s" % mmm(col[0], fmt="%.1f"))
        print("  gen's gap across the install (us): %s" % mmm(col[1], fmt="%.1f"))
        print("    of which filter's entries (old version's last, new version's init) (us): %s"
              % mmm(col[2], fmt="%.1f"))
        print("    the rest: kernel, swap, host (us): %s; in gen's gaps before: median of medians %.1f"
              % (mmm([a - b for a, b in zip(col[1], col[2])], fmt="%.1f"), statistics.median(col[8])))
        print("  gen's longest gap until the new filter's first entry after init (us): %s"
              % mmm(col[3], fmt="%.1f"))
        print("  gen's entries before each swap (us): median of medians %.1f, largest max %.1f; "
              "gaps: median of medians %.1f, largest max %.1f"
              % (statistics.median(col[4]), max(col[5]), statistics.median(col[6]), max(col[7])))
    print("  sink: %s" % ("every sequence number once, in order" if not errors else "%d seq errors" % len(errors)))
    return len(errors) + (len(downs) != n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10, help="reloads per run (default 10)")
    ap.add_argument("--compare", action="store_true",
                    help="also a shared-core run with TESS_SIM_PREPARE=0 (no prepare)")
    args = ap.parse_args()
    bad = report(run("reload-pipeline.yaml", "reload-bench", args.n), "reload-bench", "own core", args.n)
    bad += report(run("reload-pipeline-shared-core.yaml", "reload-bench-shared", args.n), "reload-bench-shared",
                  "sharing core 0 with gen", args.n)
    if args.compare:
        bad += report(run("reload-pipeline-shared-core.yaml", "reload-bench-shared", args.n,
                          {"TESS_SIM_PREPARE": "0"}), "reload-bench-shared",
                      "sharing core 0 with gen, TESS_SIM_PREPARE=0", args.n)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
