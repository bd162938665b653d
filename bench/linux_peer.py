#!/usr/bin/python3
"""Tessera's UDP echo against Linux's on the same QEMU microvm (issue 12).

Tessera: manifest/examples/udp-echo-x86_64.yaml (net0 -> classify -> echo
-> net0, one shard per core, cores 1-3; core 0 the console's). Linux:
Debian's linux-image-amd64 with the busybox initramfs of
bench/linux/mkinitramfs.sh, a recvmmsg/sendmmsg UDP echo (udp_echo.c).
Both on the QEMU command line `tessera qemu --net` builds for the board
(the board's machine, -cpu, -smp, -m and devices, the same -netdev dgram
and virtio-net device on transport 8), only -kernel differs (plus Linux's
-initrd and -append), the console on stdio both ways, one system at a
time. Both are driven by `tessera traffic`'s engine (tessera/traffic),
64-byte frames, and measured alike:

  time to echo   from QEMU's start (Popen) to the first echo of a probe
                 sent every 10 ms
  sweep          paced offered rates, --seconds each: sent/s, echoed/s,
                 lost, RTT p50/p99; the zero-loss rate is the highest
                 rate actually sent that lost nothing
  CPU            at --cpu-rate (a rate both sustain) for --cpu-seconds:
                 guest busy time (all vCPUs, guest clock) per echoed
                 packet, less the idle system's background over as long
                 (measured before). Tessera from the kernel's per-core
                 idle accounting (`tessera inspect`'s system and cores
                 records: uptime less each core's idle time, through the
                 console hub of `tessera qemu --console-port`), Linux
                 from /proc/stat
                 (the initramfs' /init answers `stat` on the console;
                 USER_HZ = 100, so 10 ms per unit and per CPU)

With --icount (TCG, -icount shift=0) the guest clock advances one ns per
instruction while a vCPU runs, so busy ns per packet is guest instructions
per packet; rates and RTTs are then not wall-clock figures.

KVM: --accel kvm where /dev/kvm is hardware virtualization. On a host
whose /dev/kvm is PVM (module kvm_pvm) neither guest kernel speaks PVM's
ABI, so both would run through PVM's instruction emulator, far slower than
TCG: the bench says so and stops (--force runs it anyway).

Needs linux-image-amd64, busybox-static, cpio and gcc: the bench runs
scripts/bootstrap.sh --bench first (quick when they are there).

Usage: bench/linux_peer.py [--accel tcg|kvm] [--icount] [--only tessera|linux]
       [--rates R,R,...] [--seconds S] [--cpu-rate R] [--cpu-seconds S]
       [--linux-append TEXT]
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from tessera.backend import hub, net, qemu, target  # noqa: E402
from tessera.errors import TesseraError  # noqa: E402
from tessera.inspect import client  # noqa: E402
from tessera.traffic import frames, report  # noqa: E402
from tessera.traffic import run as engine  # noqa: E402
from net_sweep import STATS_PORT, flow, stop  # noqa: E402  (Linux's /init gives eth0 flow()'s address)

MANIFEST = os.path.join(ROOT, "manifest", "examples", "udp-echo-x86_64.yaml")
OUT = os.path.join(ROOT, "build", "bench-linux-peer")
SIZE = 64
USER_HZ = 100  # /proc/stat's unit (sysconf(_SC_CLK_TCK) on x86_64 Linux)
TESS_UP = re.compile(r"shard:net0\| virtio-net .* up \(first start\)")
LINUX_UP = re.compile(r"linux-peer\| up: eth0 ")
LINUX_STAT = re.compile(r"linux-peer\| stat end")
TESS_NIC = re.compile(r"shard:net0\| stats\(query\) rx=(\d+) tx=(\d+)")


def udp_ports(n):
    """n free UDP ports on 127.0.0.1 (bound, read, closed): two benches run
    by different people on one machine do not share a wire."""
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def linux_peer():
    """(kernel, initramfs) of the Linux peer, built now."""
    r = subprocess.run(["sh", os.path.join(ROOT, "bench", "linux", "mkinitramfs.sh"), OUT],
                       stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise TesseraError("bench/linux/mkinitramfs.sh failed (scripts/bootstrap.sh --bench installs its packages)")
    return r.stdout.strip().splitlines()[-1], os.path.join(OUT, "initramfs.cpio.gz")


class Guest:
    """One QEMU run with its console collected; `stat()` asks the guest for
    (guest ns, busy ns of all vCPUs) from its own accounting."""

    def __init__(self, name, argv, up):
        self.name = name
        self.lines = []
        self.t0 = time.monotonic()
        self.up = up
        self.start(argv)

    def start(self, argv):
        """The console on stdio both ways (a plain serial, not -nographic's
        mux with the monitor)."""
        i = argv.index("-nographic")
        argv = argv[:i] + ["-display", "none", "-monitor", "none", "-serial", "stdio"] + argv[i + 1:]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\r\n"))

    def wait(self, rx, seconds, after=0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for i in range(after, len(self.lines)):
                m = rx.search(self.lines[i])
                if m:
                    return i, m
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise TesseraError("%s: no console line /%s/ (last: %s)" % (self.name, rx.pattern, self.lines[-8:]))

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def stop(self):
        stop(self.proc)


class Tessera(Guest):
    seq = 0

    def start(self, argv):
        """The console through the hub of `tessera qemu --console-port`:
        its text as lines here, its queries answered for the inspect
        client."""
        qport = hub.free_port()
        self.proc = subprocess.Popen(hub.socket_console(argv, qport), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.partial = b""
        h = hub.Hub(qport, self._text, alive=lambda: self.proc.poll() is None).start()
        self.client = client.Client(client.open_port(h.url), timeout=5)

    def _text(self, text):
        *done, self.partial = (self.partial + text).split(b"\n")
        self.lines += [ln.decode(errors="replace") for ln in done]

    def stat(self):
        """Each core's idle time from `inspect cores` (up to the moment the
        kernel read it), then the uptime, read after it: busy time (the
        rest) is never negative. The core count is the system's, asked once."""
        if not hasattr(self, "ncores"):
            self.ncores = self.client.system(parts=False)["cores"]
        cores = self.client.cores(self.ncores)
        now = self.client.system(parts=False)["uptime_ns"]
        return now, len(cores) * now - sum(c["idle_ns"] for c in cores), len(cores)

    def nic(self, wire):
        """(frames the driver received, transmitted): a frame to classify's
        stats_port makes net0 log its counters; the queries so far (each
        counted both ways: classify answers it on net0's tx path) taken off."""
        Tessera.seq += 1
        after = len(self.lines)
        wire.send(frames.Templates(frames.Flow(**dict(flow().__dict__, dst_port=STATS_PORT)), 0x5eed0300)
                  .frame(Tessera.seq, SIZE))
        _, m = self.wait(TESS_NIC, 30, after)
        self.queries = getattr(self, "queries", 0) + 1
        return int(m.group(1)) - self.queries, int(m.group(2)) - self.queries


class Linux(Guest):
    def _stat(self):
        after = len(self.lines)
        self.send(b"stat\n")
        end, _ = self.wait(LINUX_STAT, 30, after)
        return self.lines[after:end]

    def nic(self, wire):
        """(packets eth0 received, transmitted), /proc/net/dev."""
        f = [ln for ln in self._stat() if "eth0:" in ln][-1].split(":", 1)[1].split()
        return int(f[1]), int(f[9])

    def stat(self):
        lines = self._stat()
        cpus = [ln.split() for ln in lines if re.match(r"cpu\d+ ", ln)]
        # user nice system idle iowait irq softirq steal (guest time is in user)
        busy = sum(int(f[1]) + int(f[2]) + int(f[3]) + int(f[6]) + int(f[7]) + int(f[8]) for f in cpus)
        total = sum(sum(int(x) for x in f[1:9]) for f in cpus)
        unit = 10**9 // USER_HZ
        return total * unit // max(1, len(cpus)), busy * unit, len(cpus)


def time_to_echo(guest, wire, deadline=240):
    """Host seconds from QEMU's start to the first echo; a probe every 10 ms."""
    tpl = frames.Templates(flow(), 0x7e570000)
    seq = 0
    while time.monotonic() - guest.t0 < deadline:
        wire.send(tpl.frame(seq, SIZE))
        seq += 1
        wire.wait(0.01)
        fr = wire.recv()
        while fr is not None:
            if frames.check(tpl, fr, lambda s: SIZE if 0 <= s < seq else None) >= 0:
                return time.monotonic() - guest.t0
            fr = wire.recv()
        if guest.proc.poll() is not None:
            break
    raise TesseraError("%s: no echo %d s after QEMU started (last: %s)" % (guest.name, deadline, guest.lines[-8:]))


def offered(wire, rate, seconds, run_id):
    res = engine.run(wire, flow(), engine.Options(count=int(rate * seconds), sizes=(SIZE, SIZE), rate=rate,
                                                  timeout=1.0), run_id=run_id)
    while wire.recv() is not None:  # late echoes must not reach the next run
        pass
    return report.figures(res)


def row(name, label, f):
    print("bench| %-7s %-14s sent %7d/s echoed %7d/s lost %6d (%5.2f%%) rtt p50 %8.1f us p99 %8.1f us"
          % (name, label, f["sent_pps"], f["received_pps"], f["lost"], 100.0 * f["lost"] / max(1, f["sent"]),
             f["rtt_us"]["p50"], f["rtt_us"]["p99"]), flush=True)


def measure(guest, wire, a):
    out = {}
    out["echo_s"] = time_to_echo(guest, wire)
    print("bench| %-7s time to echo from QEMU start: %.3f s" % (guest.name, out["echo_s"]), flush=True)
    guest.wait(guest.up, 60)
    # Warm-up (discarded): TCG translates each path on its first use.
    offered(wire, a.cpu_rate, 2, 0x5eed00ff)
    time.sleep(1)
    # Background: the idle system over --cpu-seconds (ticks, console).
    g0, b0, ncpu = guest.stat()
    time.sleep(a.cpu_seconds)
    g1, b1, _ = guest.stat()
    bg = (b1 - b0) / max(1, g1 - g0)  # busy ns per guest ns, all vCPUs
    f = offered(wire, a.cpu_rate, a.cpu_seconds, 0x5eed0100)
    g2, b2, _ = guest.stat()
    row(guest.name, "cpu @ %d/s" % a.cpu_rate, f)
    busy = b2 - b1
    net_busy = busy - bg * (g2 - g1)
    out.update(cpu=f, ncpu=ncpu, bg=bg, busy_pp=busy / max(1, f["received"]),
               net_pp=net_busy / max(1, f["received"]), util=busy / max(1, g2 - g1))
    print("bench| %-7s busy %.0f ns per echoed packet (%.0f less the idle background of %.1f%% of %d vCPUs); "
          "%.1f%% of %d vCPUs busy during the run" % (guest.name, out["busy_pp"], out["net_pp"], 100 * bg / ncpu,
                                                     ncpu, 100 * out["util"] / ncpu, ncpu), flush=True)
    rows = []
    for i, rate in enumerate(int(r) for r in a.rates.split(",")):
        rx0, tx0 = guest.nic(wire)
        f = offered(wire, rate, a.seconds, 0x5eed0200 + i)
        time.sleep(0.5)
        rx1, tx1 = guest.nic(wire)
        row(guest.name, "offered %d/s" % rate, f)
        # Where the lost frames went: the guest's own NIC counters against
        # what the tool sent and got back.
        print("bench| %-7s   the guest's NIC received %d of the %d sent and transmitted %d; %d echoes came back"
              % (guest.name, rx1 - rx0, f["sent"], tx1 - tx0, f["received"]), flush=True)
        rows.append(f)
    zero = [f for f in rows if f["lost"] == 0 and f["received"] > 0]
    out["zero"] = max(zero, key=lambda f: f["sent_pps"]) if zero else None
    return out


def tsc_khz(icount):
    """The guest's TSC rate for Linux's tsc_early_khz=: Linux calibrates
    the TSC against microvm's PIT, which fails on a loaded host ("tsc:
    Unable to calibrate against PIT"; microvm has no HPET or ACPI PM timer
    to fall back on) and then hangs. Under TCG the guest's TSC is the
    host's (QEMU cpu_get_ticks), with -icount the virtual clock in ns."""
    if icount:
        return 1000000
    with open("/proc/cpuinfo") as f:
        m = re.search(r"^cpu MHz\s*:\s*([\d.]+)", f.read(), re.M)
    if not m:
        raise TesseraError("no 'cpu MHz' in /proc/cpuinfo for the guest's tsc_early_khz=")
    return round(float(m.group(1)) * 1000)


def boot(kind, argv_tess, kernel_initrd, append):
    if kind == "tessera":
        return Tessera("tessera", argv_tess, TESS_UP)
    i = argv_tess.index("-kernel")
    kernel, initrd = kernel_initrd
    argv = argv_tess[:i] + ["-kernel", kernel, "-initrd", initrd, "-append", append] + argv_tess[i + 2:]
    return Linux("linux", argv, LINUX_UP)


def ratio(a, b):
    return "x%.2f" % (a / b) if a and b else "n/a"


def summary(res, a):
    print("bench| summary (%s%s, %d-byte frames; ratio = Tessera / Linux)" % (
        a.accel, ", -icount shift=0" if a.icount else "", SIZE))

    def line(what, ft, goal):
        vt, vl = (ft(res[k]) if k in res else None for k in ("tessera", "linux"))
        print("bench|   %-40s %14s %14s %8s   goal %s" % (what, "-" if vt is None else "%.1f" % vt,
                                                         "-" if vl is None else "%.1f" % vl, ratio(vt, vl), goal))

    print("bench|   %-40s %14s %14s %8s" % ("", "tessera", "linux", "ratio"))
    line("zero-loss rate, packets/s", lambda r: r["zero"]["sent_pps"] if r["zero"] else 0, ">= x2")
    line("RTT p50 at the zero-loss rate, us", lambda r: r["zero"]["rtt_us"]["p50"] if r["zero"] else 0, "-")
    line("RTT p99 at the zero-loss rate, us", lambda r: r["zero"]["rtt_us"]["p99"] if r["zero"] else 0, "<= x0.5")
    line("RTT p50 at %d/s, us" % a.cpu_rate, lambda r: r["cpu"]["rtt_us"]["p50"], "-")
    line("RTT p99 at %d/s, us" % a.cpu_rate, lambda r: r["cpu"]["rtt_us"]["p99"], "<= x0.5")
    line("busy ns per packet at %d/s" % a.cpu_rate, lambda r: r["busy_pp"], "<= x0.5")
    line("  less the idle background", lambda r: r["net_pp"], "<= x0.5")
    line("time to echo from QEMU start, ms", lambda r: 1000 * r["echo_s"], "-")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accel", choices=qemu.ACCELS, default="tcg")
    ap.add_argument("--force", action="store_true", help="run --accel kvm on a PVM /dev/kvm anyway")
    ap.add_argument("--icount", action="store_true", help="TCG -icount shift=0: busy ns = guest instructions")
    ap.add_argument("--only", choices=("tessera", "linux"))
    ap.add_argument("--rates", default="2000,5000,10000,20000,40000")
    ap.add_argument("--seconds", type=float, default=3.0, help="per offered rate (default 3)")
    ap.add_argument("--cpu-rate", type=int, default=2000, help="offered rate of the CPU run (default 2000/s)")
    ap.add_argument("--cpu-seconds", type=float, default=5.0, help="CPU run and background (default 5)")
    ap.add_argument("--linux-append", default="console=ttyS0 quiet",
                    help="Linux's command line (tsc_early_khz= and tsc=reliable are added)")
    a = ap.parse_args()
    if a.accel == "kvm":
        why = qemu.kvm_slow()
        if why and not a.force:
            raise SystemExit("bench: --accel kvm: %s; its figures would say nothing about either system, run "
                             "under TCG (the default) or pass --force" % why)
    print("bench| host: %s, %d cpus, load average %s; accel %s%s" % (
        subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], stdout=subprocess.PIPE,
                       text=True).stdout.strip(), os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3]),
        a.accel, ", -icount shift=0" if a.icount else ""), flush=True)
    if a.accel == "tcg" and qemu.kvm_slow():
        print("bench| KVM not used: %s" % qemu.kvm_slow())
    kinds = [a.only] if a.only else ["tessera", "linux"]
    subprocess.run([os.path.join(ROOT, "scripts", "bootstrap.sh")] + (["--bench"] if "linux" in kinds else []),
                   check=True)
    built = target.build(MANIFEST, "x86_64", os.path.join(OUT, "tessera"))
    peer = linux_peer() if "linux" in kinds else None
    res = {}
    for kind in kinds:
        local, remote = udp_ports(2)
        spec = net.NetSpec(device=None, local=("127.0.0.1", local), remote=("127.0.0.1", remote), mac=None)
        argv = qemu.qemu_argv(built, icount=a.icount, accel=a.accel, net=[spec])
        wire = engine.Wire(("127.0.0.1", remote), ("127.0.0.1", local))
        guest = boot(kind, argv, peer, "%s tsc_early_khz=%d tsc=reliable" % (a.linux_append, tsc_khz(a.icount)))
        try:
            res[kind] = measure(guest, wire, a)
        finally:
            guest.stop()
            wire.close()
    summary(res, a)


if __name__ == "__main__":
    try:
        main()
    except TesseraError as e:
        raise SystemExit("bench: %s" % e)
