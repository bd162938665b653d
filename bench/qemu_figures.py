#!/usr/bin/python3
"""Kernel figures on QEMU with deterministic virtual time (-icount shift=0:
one instruction = 1 ns of guest time), read from the kernel's own console
time stamps (`tessera build --stamps` prefixes every line with the boot time
"[s.nnnnnnnnn] "):

  boot to all shards running   last shard's first console line
  fault to restarted           "kern| shard S: fault ..." -> S's next
                               "shard:S| up (reason 1)" (min/median/max)
  watchdog detection latency   "shard:S| spinning" -> "kern| shard S:
                               watchdog ..." (the spinning shard's timeout
                               is included; the overshoot is latency - timeout),
                               and the kernel's own "no yield for N ms"
  kernel .text/.data/.bss      llvm-size of the kernel ELF

Usage: bench/qemu_figures.py [--arch aarch64] [--manifest M] [--seconds N]
The default manifest is tests/qemu/manifests/faults-<arch>.yaml.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera.arch import targets  # noqa: E402
from tessera.backend import qemu, target  # noqa: E402
from tessera.errors import TesseraError  # noqa: E402

STAMP = re.compile(r"^\[(\d+)\.(\d{9})\] (.*)$")


def boot_log(built, seconds):
    """Console lines (t_ns, text) of one -icount boot, `seconds` of host time."""
    argv = qemu.qemu_argv(built, icount=True)
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        time.sleep(seconds)
    finally:
        p.kill()
        out = p.communicate()[0]
    lines = []
    for raw in out.decode(errors="replace").splitlines():
        m = STAMP.match(raw.strip("\r"))
        if m:
            lines.append((int(m.group(1)) * 10**9 + int(m.group(2)), m.group(3)))
    return lines


def figures(lines, shard_names):
    f = {}
    first = {}
    for t, text in lines:
        m = re.match(r"shard:([^|]+)\| ", text)
        if m and m.group(1) not in first:
            first[m.group(1)] = t
    missing = [s for s in shard_names if s not in first]
    f["boot_to_all_running_ns"] = None if missing else max(first.values())
    f["not_running"] = missing
    faults, restarts = [], []
    pending = {}
    for t, text in lines:
        m = re.match(r"kern\| shard (\S+): fault ", text)
        if m:
            pending[m.group(1)] = t
        m = re.match(r"shard:([^|]+)\| up \(reason 1\)", text)
        if m and m.group(1) in pending:
            restarts.append(t - pending.pop(m.group(1)))
    f["fault_to_restarted_ns"] = restarts
    spin = {}
    wd, reported = [], []
    for t, text in lines:
        m = re.match(r"shard:([^|]+)\| spinning", text)
        if m:
            spin[m.group(1)] = t
        m = re.match(r"kern\| shard (\S+): watchdog: no yield for (\d+) ms", text)
        if m and m.group(1) in spin:
            wd.append(t - spin.pop(m.group(1)))
            reported.append(int(m.group(2)) * 1000000)
    f["watchdog_latency_ns"] = wd
    f["watchdog_reported_ns"] = reported
    del faults
    return f


def sizes(elf):
    out = subprocess.run(["llvm-size", "-A", elf], capture_output=True, text=True, check=True).stdout
    s = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in (".text", ".rodata", ".data", ".bss"):
            s[parts[0]] = int(parts[1])
    return s


def fmt_ns(ns):
    return "%.3f ms" % (ns / 1e6)


def spread(v):
    if not v:
        return "n/a (no samples)"
    return "min %s, median %s, max %s (%d samples)" % (fmt_ns(min(v)), fmt_ns(statistics.median(v)),
                                                        fmt_ns(max(v)), len(v))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="aarch64", choices=targets())
    ap.add_argument("--manifest")
    ap.add_argument("--seconds", type=float, default=8.0, help="host seconds to let QEMU run")
    ap.add_argument("-o", "--out", default=os.path.join(ROOT, "build", "figures"))
    a = ap.parse_args(argv)
    manifest = a.manifest or os.path.join(ROOT, "tests", "qemu", "manifests", "faults-%s.yaml" % a.arch)
    try:
        built = target.build(manifest, a.arch, a.out, stamps=True)
    except TesseraError as e:
        print("qemu_figures: %s" % e, file=sys.stderr)
        return 1
    lines = boot_log(built, a.seconds)
    if not lines:
        print("qemu_figures: no time-stamped console lines", file=sys.stderr)
        return 1
    f = figures(lines, [s["name"] for s in built["shards"]])
    sz = sizes(built["elf"])
    print("QEMU figures: %s, %s, -icount shift=0 (1 insn = 1 ns guest time), %.0f s host run"
          % (a.arch, os.path.relpath(manifest, ROOT), a.seconds))
    if f["boot_to_all_running_ns"] is None:
        print("  boot to all shards running: n/a (never ran: %s)" % ", ".join(f["not_running"]))
    else:
        print("  boot to all shards running: %s" % fmt_ns(f["boot_to_all_running_ns"]))
    print("  fault to restarted:         %s" % spread(f["fault_to_restarted_ns"]))
    print("  watchdog detection latency: %s" % spread(f["watchdog_latency_ns"]))
    print("    (kernel's own 'no yield for' figure, whole ms: %s)" % spread(f["watchdog_reported_ns"]))
    print("  kernel sizes: .text %d B, .rodata %d B, .data %d B, .bss %d B"
          % (sz.get(".text", 0), sz.get(".rodata", 0), sz.get(".data", 0), sz.get(".bss", 0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
