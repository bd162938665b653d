"""Anti-rollback across reboots (docs/reload.md "Replay and rollback"), on
QEMU for each arch of harness.ARCHES.

The reload pipeline (console_hub.pipeline_copy) is built with
`--image-version 3`: every shard boots as version 3, and a signed, valid
package of version 2 is refused ("not newer than the running version 3").
Where the board has a persistent store for the kernel's counters (its
`rollback_store`: aarch64 virt's second flash bank, a file per system that
`tessera build` makes and `tessera qemu` attaches), the filter's part of the
image is then sent again signed as version 5 (accepted); QEMU is killed and
the same image boots again with the same flash file: the kernel reads the
floor back (version 5, while version 3 runs again), and a package of version
4, newer than what runs, is refused as older than one accepted before. On a
board without a store (riscv64 virt, x86_64 microvm) only the image's
floor is checked."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from console_hub import ConsoleHub, free_port, pipeline_copy, socket_console_argv
from harness import ARCHES, build
from tessera.backend import qemu as cmd_qemu
from tessera.reload import package as rpk
from tessera.reload import source as reload_image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "reload"))
from reload_host import write_package  # noqa: E402

TESSERA = os.path.join(ROOT, "tessera")
COUNT = r"shard:sink\| count=(\d+) last_seq=(\d+)$"


class System:
    """One boot of the built image, console on a hub; QEMU killed at close."""

    def __init__(self, built):
        port = free_port()
        self.qemu = subprocess.Popen(socket_console_argv(cmd_qemu.qemu_argv(built), port), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.hub = ConsoleHub(port)
        self.hub.wait_for(COUNT)

    def close(self):
        self.qemu.kill()
        self.qemu.wait()


@pytest.fixture(scope="module", params=ARCHES)
def built(request, tmp_path_factory):
    arch = request.param
    tmp = str(tmp_path_factory.mktemp("rollback-" + arch))
    name = "rollback-%s-%d" % (arch, os.getpid())  # build/ARCH/NAME is this run's own
    b = build(pipeline_copy(arch, tmp, name), arch, os.path.join(tmp, "out"), image_version=3)
    b["tmp"] = tmp
    yield b
    shutil.rmtree(b["build_dir"], ignore_errors=True)


def send(built, hub, *args):
    """`tessera reload` of the filter; (exit status, stdout + stderr)."""
    cmd = [TESSERA, "reload", "--arch", built["arch"], "--out", built["out"], "--shard", "filter",
           "--port", hub.url] + list(args)
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    return r.returncode, r.stdout.decode(errors="replace")


def refused(built, hub, version, reason):
    layout = reload_image.read_layout(os.path.join(built["out"], "layout.json"))
    key = rpk.load_key(os.path.join(built["out"], "%s.key" % built["name"]))
    start = len(hub.lines)
    rc, out = send(built, hub, write_package(built["tmp"], layout, key, version=version))
    assert rc == 3 and out.strip().splitlines()[-1] == "reload| refused: %s" % reason, (rc, out)
    hub.wait_for(r"kern\| reload: refused 'filter': %s$" % re.escape(reason), start)


def test_image_version_is_the_floor_and_survives_a_reboot(built):
    system = System(built)
    try:
        hub = system.hub
        assert hub.grep(r"shard:filter\| up \(reason 0\)")
        refused(built, hub, 2, "version 2 is not newer than the running version 3")
        if not built["nv"]:  # no store (riscv64 virt): the image's version is the floor at every boot
            assert not hub.grep(r"kern\| rollback: ")
            return
        assert hub.grep(r"kern\| rollback: persistent store formatted \(it held no counters\)$")
        start = len(hub.lines)
        rc, out = send(built, hub, "--image-version", "5", built["image"])
        assert rc == 0 and out.strip().splitlines()[-1] == "reload| accepted: shard 'filter' now runs version 5", out
        hub.wait_for(r"kern\| reload: shard filter: version 3 stopped at a yield, version 5 installed$", start)
        hub.wait_for(r"kern\| reload: shard filter: version 5 running$", start)
    finally:
        system.close()
    system = System(built)  # the same image and flash file: a reboot
    try:
        hub = system.hub
        hub.wait_for(r"kern\| rollback: counters in the persistent store: generation 1, 1 records$")
        hub.wait_for(r"kern\| rollback: shard filter: floor version 5 \(accepted before\), boot image version 3$")
        assert not hub.grep(r"kern\| rollback: shard (gen|rsink): ")
        refused(built, hub, 4, "version 4 is not newer than version 5, accepted before (anti-rollback)")
        hub.still_counting()
    finally:
        system.close()
