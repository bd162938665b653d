#!/usr/bin/python3
"""The worker stage of a fan-out pipeline on 1, 2 and 3 lanes (issue 15):
gen -> worker (lanes: all) -> sink, the worker doing WORK rounds of
tess_flow_hash per packet so that it, not gen, bounds the pipeline.

  sim     ./tessera sim (no sanitizers), --messages N: messages/s over the
          run and the scaling ratio against 1 lane
  qemu    QEMU aarch64 under -icount shift=0 (1 instruction = 1 ns of guest
          time; the vCPUs share one host thread, so guest time counts every
          core's instructions): guest instructions per message between the
          sink's count lines (all cores: gen, every lane, sink, idle loops)
          and messages per guest second; the first ~0.3 s of guest time
          only (bench/README.md "Caveat" on -icount and wfi)

Usage: bench/lanes.py [--work N] [--messages N] [--seconds S] [sim|qemu ...]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera.backend import qemu, target  # noqa: E402

MANIFEST = """tessera: 1
name: bench-lanes-%(n)d
board: host
kernel:
  tick: 1ms
  defaults: {stack: 16K, memory: 256K, watchdog: {timeout: 10s, on_hang: restart}}
shards:
  gen:
    source: %(ex)s/fan_gen
    cores: [0]
  worker:
    source: %(ex)s/lane_worker
    cores: %(cores)s
    config: {WORK: %(work)d}
  sink:
    source: %(ex)s/lane_sink
    cores: [0]
    config: {LOG_EVERY: %(every)d}
channels:
  - {name: feed, from: gen, to: worker%(all)s, slots: 256, slot_size: 64}
  - {name: out, from: worker, to: sink%(all)s, slots: 256, slot_size: 64}
"""
STAMP = re.compile(r"^\[(\d+)\.(\d{9})\] shard:sink\| count=(\d+)$")


def manifest(tmp, n, work, every=100000):
    path = os.path.join(tmp, "lanes-%d.yaml" % n)
    with open(path, "w") as f:
        f.write(MANIFEST % {"n": n, "ex": os.path.join(ROOT, "shards", "examples"), "work": work,
                            "cores": list(range(1, n + 1)),
                            "all": ", lanes: all" if n > 1 else "", "every": every})
    return path


def sim(tmp, n, work, messages):
    r = subprocess.run([os.path.join(ROOT, "tessera"), "sim", manifest(tmp, n, work), "--messages", str(messages)],
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"^sim\| ran ([\d.]+) s$", r.stdout, re.M)
    if r.returncode or not m:
        sys.exit("bench| sim %d lanes failed:\n%s" % (n, r.stdout[-3000:]))
    return messages / float(m.group(1))


def qemu_icount(tmp, n, work, seconds):
    built = target.build(manifest(tmp, n, work, every=2000), "aarch64", os.path.join(tmp, "out-%d" % n), stamps=True)
    p = subprocess.Popen(qemu.qemu_argv(built, icount=True), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        time.sleep(seconds)
    finally:
        p.kill()
        out = p.communicate()[0].decode(errors="replace")
    pts = [(int(m.group(1)) * 10**9 + int(m.group(2)), int(m.group(3)))
           for m in map(STAMP.match, (ln.strip("\r") for ln in out.splitlines())) if m]
    if len(pts) < 2:
        sys.exit("bench| qemu %d lanes: fewer than two count lines in %s s" % (n, seconds))
    (t0, c0), (t1, c1) = pts[0], pts[-1]
    return (t1 - t0) / (c1 - c0), (c1 - c0) * 1e9 / (t1 - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=int, default=200)
    ap.add_argument("--messages", type=int, default=300000)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("what", nargs="*", default=["sim", "qemu"])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if "sim" in a.what:
            rates = {n: sim(tmp, n, a.work, a.messages) for n in (1, 2, 3)}
            for n, r in rates.items():
                print("sim   %d lane%s: %9.0f msgs/s  scaling %.2fx (WORK %d, %d messages, %d host CPUs)"
                      % (n, " " if n == 1 else "s", r, r / rates[1], a.work, a.messages, os.cpu_count()))
        if "qemu" in a.what:
            res = {n: qemu_icount(tmp, n, a.work, a.seconds) for n in (1, 2, 3)}
            for n, (ipm, rate) in res.items():
                print("qemu  %d lane%s: %7.0f guest instructions/message  %9.0f msgs per guest s  scaling %.2fx "
                      "(aarch64, -icount shift=0, WORK %d)" % (n, " " if n == 1 else "s", ipm, rate,
                                                                rate / res[1][1], a.work))


if __name__ == "__main__":
    main()
