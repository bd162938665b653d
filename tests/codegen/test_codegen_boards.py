"""Board files: regenerating from QEMU gives the committed bytes."""
import os
import shutil
import subprocess
import sys

import pytest

from codegen_helpers import ROOT
from tessera import pipeline
from tessera.backend import net
from tessera.manifest import boards
from tessera.manifest.diag import Diags

GENERATED = ["qemu-microvm-x86_64", "qemu-virt-aarch64", "qemu-virt-riscv64"]


@pytest.mark.skipif(any(shutil.which("qemu-system-" + a) is None for a in ("aarch64", "riscv64", "x86_64")),
                    reason="qemu not installed")
def test_regenerated_boards_are_identical(tmp_path):
    r = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "gen-boards.py"), str(tmp_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    for name in GENERATED:
        committed = open(os.path.join(ROOT, "manifest", "boards", name + ".yaml")).read()
        assert (tmp_path / (name + ".yaml")).read_text() == committed, name


def test_boards_load():
    for name in boards.known():
        d = Diags()
        b = boards.load(name, d)
        assert d.items == [] and b is not None, name
        assert b["arch"] in boards.ARCHS


def test_host_board():
    b = boards.load("host", Diags())
    assert (b["arch"], b["cores"], b["ram"], b["user_va_base"], b["console"]) == (
        "host", 4, [{"base": 0, "size": 256 << 20}], 0x500000000000, "stdout")
    # The simulator's virtio-mmio transports (sim/dev/), each on its own page.
    assert {n: (d["compatible"], d["reg"], d["irqs"]) for n, d in b["devices"].items()} == {
        "virtio_mmio%d" % i: (["virtio,mmio"], [{"base": 0x10000000 + 0x1000 * i, "size": 0x200}], [32 + i])
        for i in range(4)}


def test_qemu_buses_of_virtio_transports():
    """QEMU's virtio-mmio-bus.N is the transport at the N-th address on
    virt and microvm (asked of QEMU by scripts/gen-boards.py, not assumed),
    and `--net` finds the transports under either board's compatible."""
    for name in GENERATED:
        b = boards.load(name, Diags())
        ts = net.transports(b)
        buses = [d["qemu_bus"] for d in sorted(ts.values(), key=lambda d: d["reg"][0]["base"])]
        assert buses == ["virtio-mmio-bus.%d" % i for i in range(len(ts))] and len(ts) >= 8, name
        assert all(d["qemu_bus"] is None for n, d in b["devices"].items() if n not in ts)


@pytest.mark.parametrize("arch", ["aarch64", "riscv64", "x86_64"])
def test_net_device_on_the_granted_transports_bus(arch):
    """`--net` plugs the virtio-net device into the QEMU bus of the
    transport the udp-echo example grants (x86_64: transport 8, clear of
    QEMU 7.2's GSI 24 quirk, docs/x86_64.md "Devices")."""
    plan, diags = pipeline.check(os.path.join(ROOT, "manifest", "examples", "udp-echo-%s.yaml" % arch))
    assert plan is not None, diags.errors
    argv = net.qemu_args(plan, [net.parse("local=127.0.0.1:5555,remote=127.0.0.1:5556")])
    device = argv[argv.index("-device") + 1]
    bus = {"aarch64": "virtio-mmio-bus.0", "riscv64": "virtio-mmio-bus.0", "x86_64": "virtio-mmio-bus.8"}[arch]
    assert device == "virtio-net-device,netdev=tnet0,bus=%s" % bus
    assert argv[:2] == ["-global", "virtio-mmio.force-legacy=false"]


def test_qemu_boards_facts():
    a = boards.load("qemu-virt-aarch64", Diags())
    assert a["ram"] == [{"base": 0x40000000, "size": 256 << 20}] and a["cores"] == 4
    assert a["console"] == "pl011" and a["devices"]["pl011"]["irqs"] == [33]
    assert a["qemu"] == {"machine": "virt,gic-version=3", "cpu": "cortex-a72", "smp": 4, "memory": "256M"}
    r = boards.load("qemu-virt-riscv64", Diags())
    assert r["ram"] == [{"base": 0x80000000, "size": 256 << 20}] and r["console"] == "serial"
    assert r["devices"]["serial"]["irqs"] == [10] and r["devices"]["plic"]["interrupt_controller"]
    assert r["qemu"]["bios"] == "default"


del sys
