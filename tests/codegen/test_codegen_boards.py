"""Board files: regenerating from QEMU gives the committed bytes."""
import os
import shutil
import subprocess
import sys

import pytest

from codegen_helpers import ROOT
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
    virt (asked of QEMU by scripts/gen-boards.py, not assumed)."""
    for name in ("qemu-virt-aarch64", "qemu-virt-riscv64"):
        devs = boards.load(name, Diags())["devices"]
        ts = sorted((d["reg"][0]["base"], d["qemu_bus"]) for d in devs.values() if "virtio,mmio" in d["compatible"])
        assert [bus for _, bus in ts] == ["virtio-mmio-bus.%d" % i for i in range(len(ts))], name
        assert all(d["qemu_bus"] is None for d in devs.values() if "virtio,mmio" not in d["compatible"])


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
