#!/usr/bin/python3
"""The simulator's demo pipeline against its thread peer, in one run
(bench/README.md "Simulator throughput").

Builds the simulator for manifest/examples/packet-pipeline.yaml (what
./scripts/demo.sh runs, not sanitized) and bench/pipeline_threads (the same
three stages as threads of one process over rte_ring, pinned the same way),
then alternates them ROUNDS times for SECONDS each, so a disturbance of the
shared machine hits both alike. Prints each round, the medians, and the
issue-14 goals: the demo >= 10 M msgs/s, and >= 0.3 x the threads.

    bench/sim_pipeline.py [--seconds 5] [--rounds 3]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "manifest", "examples", "packet-pipeline.yaml")
BENCH_DIR = os.path.join(ROOT, "build", "bench")
THREADS = os.path.join(BENCH_DIR, "bench", "pipeline_threads")
GOAL_MSGS, GOAL_RATIO = 10e6, 0.3


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def build():
    for cmd in (["cmake", "-S", ".", "-B", BENCH_DIR, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                 "-DTESS_SANITIZE=OFF"],
                ["cmake", "--build", BENCH_DIR, "--target", "pipeline_threads", "--", "-j2"],
                [os.path.join(ROOT, "tessera"), "sim", MANIFEST, "--duration", "10ms"]):
        r = run(cmd)
        if r.returncode != 0:
            sys.exit("sim_pipeline: %s failed:\n%s" % (" ".join(cmd), r.stdout))


def sim(seconds):
    """The demo's sink rate (the end table's msgs/s of filter_to_sink)."""
    r = run([os.path.join(ROOT, "tessera"), "sim", MANIFEST, "--duration", "%gs" % seconds])
    m = re.search(r"^sim\| filter_to_sink\s+filter -> sink\s+\d+\s+\d+\s+(\d+)", r.stdout, re.M)
    if r.returncode != 0 or not m or "seq gap" in r.stdout:
        sys.exit("sim_pipeline: the demo did not run cleanly:\n%s" % r.stdout[-3000:])
    return float(m.group(1))


def threads(seconds):
    r = run([THREADS, "%g" % seconds])
    m = re.search(r"(\d+) msgs/s, 0 sequence gaps", r.stdout)
    if r.returncode != 0 or not m:
        sys.exit("sim_pipeline: pipeline_threads failed:\n%s" % r.stdout)
    return float(m.group(1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args(argv)
    build()
    lscpu = run(["lscpu"]).stdout
    model = re.search(r"^Model name:\s*(.*)$", lscpu, re.M)
    print("sim_pipeline| %s, %d cpus, %s" % (model.group(1) if model else "?", os.cpu_count(),
                                             " ".join(os.uname()[2:3])))
    s, t = [], []
    for i in range(a.rounds):
        load = open("/proc/loadavg").read().split()[:3]
        s.append(sim(a.seconds))
        t.append(threads(a.seconds))
        print("sim_pipeline| round %d (load average %s): simulator %.2f M msgs/s, threads %.2f M msgs/s, x%.2f"
              % (i + 1, " ".join(load), s[-1] / 1e6, t[-1] / 1e6, s[-1] / t[-1]))
    ms, mt = statistics.median(s), statistics.median(t)
    ratio = statistics.median([x / y for x, y in zip(s, t)])
    print("sim_pipeline| median: simulator %.2f M msgs/s, threads over rte_ring %.2f M msgs/s, ratio x%.2f"
          % (ms / 1e6, mt / 1e6, ratio))
    print("goal (issue 14): demo >= %.0f M msgs/s: measured %.2f (%s)"
          % (GOAL_MSGS / 1e6, ms / 1e6, "met" if ms >= GOAL_MSGS else "NOT met"))
    print("goal (issue 14): demo >= x%.1f of the threads: measured x%.2f (%s)"
          % (GOAL_RATIO, ratio, "met" if ratio >= GOAL_RATIO else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
