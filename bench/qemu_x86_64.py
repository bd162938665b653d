#!/usr/bin/python3
"""x86_64 kernel figures under QEMU microvm, TCG or KVM (--accel kvm):

  kernel paths (bench/x86_64/kernel-paths.yaml, kernel built with
  TESS_X86_BENCH=ON: TSC stamps in platform/x86_64/bench_on.c, shard code
  excluded): yield -> next shard on the same core, notify -> wake of a
  shard waiting on another core (IPI), fault -> restarted; boot from kernel
  entry to every shard entered (kernel clock) and from QEMU's start to that
  line on the console (host clock: QEMU, firmware, kernel);
  the same paths as the shards see them: a whole yield turn (two yields,
  two empty polls) and a notify round trip across two cores;
  the two-shard channel pipeline (bench/x86_64/pipeline.yaml), messages/s
  from the sink's time-stamped count lines (`tessera build --stamps`).

Usage: bench/qemu_x86_64.py [--accel tcg|kvm] [--seconds N]
Prints the host CPU and the accelerator with the figures (bench/README.md).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera.backend import qemu, target  # noqa: E402
from tessera.errors import TesseraError  # noqa: E402

HERE = os.path.join(ROOT, "bench", "x86_64")
STAMP = re.compile(r"^\[(\d+)\.(\d{9})\] (.*)$")


def run(built, accel, seconds, stop_at=None):
    """Console lines (host seconds since QEMU started, guest ns or None, text)."""
    argv = qemu.qemu_argv(built, accel=accel)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = []

    def read():
        for raw in p.stdout:
            text = raw.decode(errors="replace").rstrip("\r\n")
            m = STAMP.match(text)
            guest = int(m.group(1)) * 10**9 + int(m.group(2)) if m else None
            lines.append((time.monotonic() - t0, guest, m.group(3) if m else text))

    t = threading.Thread(target=read, daemon=True)
    t.start()
    end = t0 + seconds
    while time.monotonic() < end and p.poll() is None:
        time.sleep(0.1)
    p.kill()
    p.wait()
    t.join(timeout=5)
    return lines


def spread(v, unit="ns"):
    if not v:
        return "n/a (no samples)"
    return "median %d %s (min %d, max %d, %d reports)" % (statistics.median(v), unit, min(v), max(v), len(v))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accel", choices=qemu.ACCELS, default="tcg")
    ap.add_argument("--seconds", type=float, default=12.0, help="host seconds per QEMU run")
    ap.add_argument("-o", "--out", default=os.path.join(ROOT, "build", "bench-x86_64"))
    a = ap.parse_args(argv)
    try:
        qemu.require_accel("x86_64", a.accel)
        paths = target.build(os.path.join(HERE, "kernel-paths.yaml"), "x86_64", a.out, stamps=True,
                             cmake_defs=["TESS_X86_BENCH=ON"])
        pipe = target.build(os.path.join(HERE, "pipeline.yaml"), "x86_64", a.out, stamps=True)
        lines = run(paths, a.accel, a.seconds)
        plines = run(pipe, a.accel, a.seconds)
    except TesseraError as e:
        print("qemu_x86_64: %s" % e, file=sys.stderr)
        return 1
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"Model name:\s*(.*)", cpu)
    print("x86_64 figures: QEMU microvm, %s, %s, %d host CPUs, %.0f s per run"
          % (a.accel.upper(), model.group(1) if model else "?", os.cpu_count(), a.seconds))
    for ln in lines:
        if "x86: x2APIC" in ln[2] or "x86: TSC" in ln[2]:
            print("  guest: " + ln[2].replace("kern| ", ""))
    boot = [(h, re.search(r"(\d+) ns", txt)) for h, _, txt in lines if "bench: kernel entry -> all" in txt]
    if boot:
        print("  boot, kernel entry -> all shards entered: %.3f ms (kernel clock)" % (int(boot[0][1].group(1)) / 1e6))
        print("  boot, QEMU start -> that console line:     %.3f ms (host clock)" % (boot[0][0] * 1e3))
    for name in ("yield -> next shard, same core", "notify -> wake, other core (IPI)", "fault -> restarted"):
        med = [int(m.group(1)) for m in (re.search(re.escape(name) + r": \d+ samples, min \d+ ns, median (\d+) ns",
                                                   txt) for _, _, txt in lines) if m]
        mins = [int(m.group(1)) for m in (re.search(re.escape(name) + r": \d+ samples, min (\d+) ns", txt)
                                          for _, _, txt in lines) if m]
        print("  %-34s %s; min %s ns" % (name + ":", spread(med), min(mins) if mins else "n/a"))
    turns = [int(m.group(1)) for m in (re.search(r"shard:y[ab]\| turns \d+: (\d+) ns per turn", txt)
                                       for _, _, txt in lines) if m]
    rtts = [int(m.group(1)) for m in (re.search(r"shard:ping\| round trips \d+: (\d+) ns per round trip", txt)
                                      for _, _, txt in lines) if m]
    print("  shard view, yield turn (2 yields):  %s" % spread(turns))
    print("  shard view, notify round trip:      %s" % spread(rtts))
    counts = [(g, int(m.group(1))) for _, g, txt in plines
              for m in [re.search(r"shard:sink\| count=(\d+) ", txt)] if m and g is not None]
    if len(counts) >= 2:
        (g0, c0), (g1, c1) = counts[0], counts[-1]
        print("  pipeline gen -> sink, 2 cores:      %.0f messages/s (%d messages in %.3f s guest time)"
              % ((c1 - c0) / ((g1 - g0) / 1e9), c1 - c0, (g1 - g0) / 1e9))
    else:
        print("  pipeline gen -> sink, 2 cores:      n/a (%d count lines)" % len(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
