"""Bus masters (docs/manifest.md "Bus masters"): marked in the board files,
granted only with `dma: unconfined`, which `check` reports on every run and
`--print-layout` shows; the kernel's devices are never granted."""
import copy
import json
import os

import pytest

from codegen_helpers import ROOT, tessera
from tessera import pipeline
from tessera.backend import build as common
from tessera.backend import target
from tessera.errors import TesseraError
from tessera.manifest import boards
from tessera.manifest.diag import Diags

UNCONFINED = os.path.join("tests", "codegen", "fixtures", "dma_unconfined.yaml")
WARN_CFG = ("%s:9:22: warning: shard 'cfg' can reach all memory: bus master 'fw_cfg' granted with dma: unconfined "
            "(no IOMMU confines DMA: the shard is trusted like the kernel)" % UNCONFINED)
WARN_NET = ("%s:15:9: warning: shard 'net' can reach all memory: bus masters 'virtio_mmio0', 'virtio_mmio8' granted "
            "with dma: unconfined (no IOMMU confines DMA: the shard is trusted like the kernel)" % UNCONFINED)


def masters(board):
    return {n for n, d in boards.load(board, Diags())["devices"].items() if d["bus_master"]}


def test_boards_mark_bus_masters():
    """scripts/gen-boards.py: dma-coherent, PCI host bridges, MSI
    controllers, and virtio-mmio/fw_cfg by compatible; flash is memory."""
    virtio = {"virtio_mmio%d" % i for i in range(32)}
    assert masters("qemu-virt-aarch64") == {"fw_cfg", "its", "pcie"} | virtio
    assert masters("qemu-virt-riscv64") == {"fw_cfg", "pci"} | {"virtio_mmio%d" % i for i in range(8)}
    assert masters("qemu-microvm-x86_64") == {n for n in boards.load("qemu-microvm-x86_64", Diags())["devices"]
                                               if n.startswith("virtio_mmio")}
    assert masters("host") == {"virtio_mmio%d" % i for i in range(4)}  # the simulator's transports
    assert "flash" not in masters("qemu-virt-aarch64") | masters("qemu-virt-riscv64")


def test_fw_cfg_needs_the_acknowledgement():
    """The issue's exploit: a shard owning fw_cfg overwrote the reload key
    through its DMA interface. Without `dma: unconfined` it is not granted."""
    rel = os.path.join("tests", "codegen", "fixtures", "dma_master_unacknowledged.yaml")
    rc, out, err = tessera("check", rel)
    assert rc == 1 and out == ""
    assert err.splitlines()[0] == (
        "%s:9:22: error: device 'fw_cfg' is a bus master (its DMA can reach all memory and no IOMMU confines it): "
        "grant it as {name: fw_cfg, dma: unconfined} to accept that shard 'cfg' can reach all memory" % rel)


def test_check_reports_the_acknowledgement_on_every_run():
    for _ in range(2):
        assert tessera("check", UNCONFINED) == (0, "", WARN_CFG + "\n" + WARN_NET + "\n")


def test_print_layout_says_which_shard_can_reach_all_memory():
    rc, out, err = tessera("gen", UNCONFINED, "--print-layout")
    assert rc == 0 and err == WARN_CFG + "\n" + WARN_NET + "\n"
    lines = out.splitlines()
    assert lines[-2:] == [
        "shard cfg: this shard can reach all memory (bus master 'fw_cfg' granted with dma: unconfined; no IOMMU)",
        "shard net: this shard can reach all memory (bus masters 'virtio_mmio0', 'virtio_mmio8' granted with "
        "dma: unconfined; no IOMMU)"]
    owners = {line.split()[1]: line.split(None, 5)[5] for line in lines if line.startswith("device ")}
    assert owners == {"pl031": "cfg (MMIO)", "fw_cfg": "cfg (MMIO, DMA unconfined)",
                      "virtio_mmio0": "net (MMIO, DMA unconfined)", "virtio_mmio8": "net (MMIO, DMA unconfined)"}


def test_layout_json_and_build_carry_it(tmp_path, monkeypatch, capsys):
    rc, out, err = tessera("gen", UNCONFINED, "-o", str(tmp_path / "g"))
    lay = json.loads((tmp_path / "g" / "layout.json").read_text())
    assert [(s["name"], s["dma_unconfined"]) for s in lay["shards"]] == [
        ("cfg", ["fw_cfg"]), ("net", ["virtio_mmio0", "virtio_mmio8"])]

    def stop(*a, **k):
        raise TesseraError("stopped before CMake")

    monkeypatch.setattr(common, "cmake", stop)
    with pytest.raises(TesseraError):
        target.build(os.path.join(ROOT, UNCONFINED), "aarch64", str(tmp_path / "out"))
    assert capsys.readouterr().err.splitlines() == [
        w.replace(UNCONFINED, os.path.join(ROOT, UNCONFINED)) for w in (WARN_CFG, WARN_NET)]


def manifest(tmp_path, board, devices):
    p = tmp_path / "m.yaml"
    p.write_text("tessera: 1\nname: m\nboard: %s\nshards:\n  a:\n    source: %s/shards/examples/pktgen\n"
                 "    cores: [0]\n    memory: 64K\n    devices: %s\n" % (board, ROOT, json.dumps(devices)))
    return str(p)


@pytest.mark.parametrize("board", ["qemu-virt-aarch64", "qemu-virt-riscv64", "qemu-microvm-x86_64"])
def test_kernel_devices_are_never_granted(tmp_path, board):
    """The console and the interrupt controllers, acknowledged or not."""
    b = boards.load(board, Diags())
    kernel = [b["console"]] + sorted(n for n, d in b["devices"].items() if d["interrupt_controller"])
    for dv in kernel:
        for entry in (dv, {"name": dv, "dma": "unconfined"}):
            plan, diags = pipeline.check(manifest(tmp_path, board, [entry]))
            errors = [d[4] for d in diags.errors]
            assert plan is None and len(errors) == 1, (dv, errors)
            assert errors[0] in ("device '%s' is an interrupt controller and belongs to the kernel" % dv,
                                 "device '%s' is the kernel console and cannot be granted to shard 'a'" % dv)


def test_device_windows_never_reach_the_kernel_or_ram(tmp_path, monkeypatch):
    """A board device in the console's MMIO page or in RAM (a mistaken board
    file) cannot be granted: its window would map the kernel's device or
    memory (the kernel image with the reload key is at the start of RAM)."""
    real = boards.load

    def load(name, diags):
        b = copy.deepcopy(real(name, diags))
        b["devices"]["near_uart"] = dict(b["devices"]["pl031"], reg=[{"base": 0x9000800, "size": 0x100}])
        b["devices"]["in_ram"] = dict(b["devices"]["pl031"], reg=[{"base": 0x40200000, "size": 0x1000}])
        return b

    monkeypatch.setattr(boards, "load", load)
    plan, diags = pipeline.check(manifest(tmp_path, "qemu-virt-aarch64", ["near_uart", "in_ram"]))
    assert plan is None and [d[4] for d in diags.errors] == [
        "device 'near_uart' of shard 'a' shares MMIO page 0x9000000 with the kernel's device 'pl011'",
        "device 'in_ram' of shard 'a' has its registers in board RAM (page 0x40200000): its window would map "
        "memory of the kernel or other shards"]



def test_port_io_devices_are_never_mapped(tmp_path):
    """microvm's serial is at I/O ports 0x3f8-0x3ff: a 'window' for it would
    map physical page 0, which is RAM."""
    p = tmp_path / "m.yaml"
    p.write_text("tessera: 1\nname: m\nboard: qemu-microvm-x86_64\nkernel: {console: virtio_mmio0}\nshards:\n"
                 "  a:\n    devices: [serial]\n    cores: [0]\n    memory: 64K\n    source: %s/shards/examples/pktgen\n"
                 % ROOT)
    rc, out, err = tessera("check", str(p))
    assert (rc, err) == (1, "%s:7:15: error: device 'serial' is reached through I/O ports, which are not granted to "
                         "shards\n" % p)
