#!/usr/bin/python3
"""Hot-reload downtime on QEMU under `-icount shift=0` (bench/README.md,
"Hot reload downtime"): guest time = instruction count (1 ns each), so the
figure counts instructions and does not depend on the host's speed.

For each run: build the example packet pipeline for ARCH with a
sequence-checking sink (tests/qemu/console_hub.py's copy), boot it with the
console on a socket, reload the filter with shards/examples/filter_v2 as
soon as every shard is up (under -icount the pipeline stops being scheduled
after a while, see "QEMU figures" above), and read the kernel's
`kern| reload: shard filter: downtime N ns`.

    bench/qemu_reload.py [--arch ARCH] [-n 3]    (ARCH: a target of codegen/tessera/arch.py)
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

from console_hub import EXAMPLES, ConsoleHub, free_port, pipeline_copy, socket_console_argv  # noqa: E402
from harness import build  # noqa: E402
from tessera.arch import targets  # noqa: E402
from tessera.backend.qemu import qemu_argv  # noqa: E402


def one(arch):
    tmp = tempfile.mkdtemp(prefix="tessera-qemu-reload-")
    try:
        manifest = pipeline_copy(arch, tmp, "qemu-reload-%s" % arch)
        out = os.path.join(tmp, "out")
        built = build(manifest, arch, out)
        port = free_port()
        argv = socket_console_argv(qemu_argv(built, icount=True), port)
        qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            hub = ConsoleHub(port)
            hub.deadline = 300
            for s in ("gen", "filter", "sink"):
                hub.wait_for(r"shard:%s\| " % s)
            shutil.rmtree(os.path.join(tmp, "filter"))
            shutil.copytree(os.path.join(EXAMPLES, "filter_v2"), os.path.join(tmp, "filter"))
            r = subprocess.run([os.path.join(ROOT, "tessera"), "reload", "--arch", arch, "--manifest", manifest,
                                "--out", out, "--shard", "filter", "--image-version", "2", "--port", hub.url],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                sys.exit("bench| reload failed:\n" + r.stdout.decode(errors="replace"))
            return int(hub.wait_for(r"kern\| reload: shard filter: downtime (\d+) ns").group(1))
        finally:
            qemu.kill()
            qemu.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", default="aarch64", choices=targets())
    ap.add_argument("-n", type=int, default=3, help="boots (default 3)")
    args = ap.parse_args()
    downs = [one(args.arch) for _ in range(args.n)]
    print("QEMU reload downtime (%s, -icount shift=0, filter -> filter_v2, %d boots): min %.3f ms, median %.3f ms, "
          "max %.3f ms" % (args.arch, len(downs), min(downs) / 1e6, statistics.median(downs) / 1e6,
                           max(downs) / 1e6))


if __name__ == "__main__":
    main()
