#!/usr/bin/python3
"""Every figure of issue 14, measured and printed as goal vs measured
(bench/README.md "Issue 14: goal vs measured").

QEMU figures count instructions (`-icount shift=0`: 1 instruction = 1 ns of
guest time), host figures are ratios against a peer in the same run:

  boot            kernel entry -> all shards running, faults-<arch>.yaml
                  (qemu_figures.py), aarch64 and riscv64; goal <= 1 ms
  restart         fault -> restarted, the kernel's own path (min):
                  bench/manifests/restart-<arch>.yaml, one core, so the
                  guest time is that core's instructions alone (the
                  `-icount` stall, bench/wfi_stall/): the kernel's "fault"
                  line to its "restarted" line; goal <= 50 us
  qemu-reload     hot reload downtime on QEMU, median (qemu_reload.py);
                  goal <= 100 us
  sim-reload      hot reload downtime in the simulator, own core, median
                  (sim_reload.py's run); goal <= 100 us
  channel         tessera+wake against rte_ring in the same run, single
                  message and burst 32 (bench/channel_bench, each ring's
                  best round); goal >= x1.2 both
  demo            the simulator's demo pipeline, and against the same
                  stages as threads over rte_ring (sim_pipeline.py);
                  goal >= 10 M msgs/s and >= x0.3

    bench/issue14.py [--only boot,restart,...] [--reloads N] [--seconds S]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

import qemu_figures  # noqa: E402
from tessera.backend import target  # noqa: E402

OUT = os.path.join(ROOT, "build", "issue14")
ARCHES = ("aarch64", "riscv64")
rows = []


def row(figure, goal, measured, met, note=""):
    rows.append((figure, goal, measured, "met" if met else "NOT met", note))
    print("issue14| %-46s goal %-22s measured %-28s %s%s" % (figure, goal, measured, rows[-1][3],
                                                             ("  (" + note + ")") if note else ""))
    sys.stdout.flush()


def stamped(manifest, arch, seconds):
    built = target.build(manifest, arch, os.path.join(OUT, "%s-%s" % (os.path.basename(manifest)[:-5], arch)),
                         stamps=True)
    return built, qemu_figures.boot_log(built, seconds)


def boot():
    for arch in ARCHES:
        m = os.path.join(ROOT, "tests", "qemu", "manifests", "faults-%s.yaml" % arch)
        built, lines = stamped(m, arch, 3)
        f = qemu_figures.figures(lines, [s["name"] for s in built["shards"]])
        ns = f["boot_to_all_running_ns"]
        row("boot to all shards running, %s" % arch, "<= 1 ms", "%.3f ms" % (ns / 1e6) if ns else "n/a",
            ns is not None and ns <= 1e6, "%d shards" % len(built["shards"]))


def restart():
    for arch in ARCHES:
        _, lines = stamped(os.path.join(ROOT, "bench", "manifests", "restart-%s.yaml" % arch), arch, 4)
        ns, fault = [], None
        for t, text in lines:
            if re.match(r"kern\| shard wild: fault ", text):
                fault = t
            elif fault is not None and re.match(r"kern\| shard wild: restarted ", text):
                ns.append(t - fault)
                fault = None
        best = min(ns) if ns else None
        row("fault -> restarted, kernel's own path, %s" % arch, "<= 50 us (min)",
            "%.1f us (%d samples)" % (best / 1e3, len(ns)) if ns else "n/a", best is not None and best <= 50e3,
            "median %.1f us" % (statistics.median(ns) / 1e3) if ns else "")


def qemu_reload(n):
    import qemu_reload as qr
    for arch in ARCHES:
        downs = [qr.one(arch) for _ in range(n)]
        med = statistics.median(downs)
        row("hot reload downtime on QEMU, %s" % arch, "<= 100 us (median)", "%.1f us (%d boots)" % (med / 1e3, n),
            med <= 100e3, "min %.1f, max %.1f us" % (min(downs) / 1e3, max(downs) / 1e3))


def sim_reload(n):
    import sim_reload as sr
    lines = sr.run("reload-pipeline.yaml", "reload-bench", n)
    downs = [int(m.group(1)) for m in (re.match(r"kern\| reload: shard filter: downtime (\d+) ns", x)
                                       for x in lines) if m]
    med = statistics.median(downs) if downs else None
    row("hot reload downtime in the simulator, own core", "<= 100 us (median)",
        "%.1f us (%d reloads)" % (med / 1e3, len(downs)) if downs else "n/a", med is not None and med <= 100e3,
        "min %.1f, max %.1f us" % (min(downs) / 1e3, max(downs) / 1e3) if downs else "")


def channel(rounds):
    subprocess.run(["cmake", "-S", ROOT, "-B", os.path.join(ROOT, "build", "bench"), "-G", "Ninja",
                    "-DCMAKE_BUILD_TYPE=Release", "-DTESS_SANITIZE=OFF"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", os.path.join(ROOT, "build", "bench"), "--target", "channel_bench", "--",
                    "-j2"], check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([os.path.join(ROOT, "build", "bench", "bench", "channel_bench"), "1000000", "2000",
                          str(rounds)], check=True, stdout=subprocess.PIPE, text=True).stdout
    m = re.search(r"^goal \(issue 14\): tessera\+wake .* measured single x([\d.]+) .*, burst32 x([\d.]+)", out,
                  re.M)
    if not m:
        sys.exit("issue14| channel_bench printed no goal line:\n" + out)
    single, burst = float(m.group(1)), float(m.group(2))
    load = open("/proc/loadavg").read().split()[0]
    row("channel tessera+wake vs rte_ring, single", ">= x1.2", "x%.2f" % single, single >= 1.2,
        "best of %d rounds each, load %s" % (rounds, load))
    row("channel tessera+wake vs rte_ring, burst 32", ">= x1.2", "x%.2f" % burst, burst >= 1.2,
        "best of %d rounds each, load %s" % (rounds, load))


def demo(seconds):
    import sim_pipeline as sp
    sp.build()
    s, t = [], []
    for _ in range(3):
        s.append(sp.sim(seconds))
        t.append(sp.threads(seconds))
    ms = statistics.median(s)
    ratio = statistics.median([x / y for x, y in zip(s, t)])
    load = open("/proc/loadavg").read().split()[0]
    row("demo pipeline in the simulator", ">= 10 M msgs/s", "%.2f M msgs/s" % (ms / 1e6), ms >= 10e6,
        "3 rounds, load %s" % load)
    row("demo pipeline vs threads over rte_ring", ">= x0.3", "x%.2f" % ratio, ratio >= 0.3,
        "threads %.2f M msgs/s" % (statistics.median(t) / 1e6))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="boot,restart,qemu-reload,sim-reload,channel,demo")
    ap.add_argument("--reloads", type=int, default=3, help="QEMU boots and simulator reloads")
    ap.add_argument("--rounds", type=int, default=11, help="channel_bench rounds")
    ap.add_argument("--seconds", type=float, default=4.0, help="per demo round")
    a = ap.parse_args(argv)
    only = a.only.split(",")
    lscpu = subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout
    model = re.search(r"^Model name:\s*(.*)$", lscpu, re.M)
    qv = subprocess.run(["qemu-system-aarch64", "--version"], stdout=subprocess.PIPE, text=True).stdout.split("\n")[0]
    print("issue14| %s, %d cpus, %s; %s; load average %s" % (model.group(1) if model else "?", os.cpu_count(),
                                                              os.uname().release, qv,
                                                              " ".join(open("/proc/loadavg").read().split()[:3])))
    for name, fn in (("boot", boot), ("restart", restart), ("qemu-reload", lambda: qemu_reload(a.reloads)),
                     ("sim-reload", lambda: sim_reload(a.reloads * 3)), ("channel", lambda: channel(a.rounds)),
                     ("demo", lambda: demo(a.seconds))):
        if name in only:
            fn()
    print("\n| figure | goal | measured | | |\n|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s | %s |" % r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
