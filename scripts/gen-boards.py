#!/usr/bin/python3
"""Derive manifest/boards/qemu-*.yaml from QEMU itself.

aarch64 and riscv64 virt: QEMU dumps the device tree it would hand a guest
(`-machine ...,dumpdtb=FILE`); we read it with libfdt: CPUs, RAM (memory
nodes), devices (every node with `compatible` and `reg`; `interrupts`
translated to the platform's interrupt numbers), console (/chosen
stdout-path). x86_64 microvm builds no DTB for dumpdtb (QEMU 7.2 exits only
for boards that call qemu_fdt_dumpdtb), so we ask its monitor for the flat
memory map (`info mtree -f`) instead: RAM, MMIO windows and the I/O-port
serial console. IRQ routing is not visible there: the GSIs come from the
wiring QEMU's hw/i386/microvm.c fixes for the IOAPIC count it shows (see
microvm_irqs); the kernel checks those GSIs exist in the ACPI MADT.

A virtio-mmio transport also gets `qemu_bus`, the name QEMU gives the bus
a `-device virtio-...-device,bus=NAME` plugs into (`tessera qemu --net`,
codegen/tessera/backend/net.py): read from the monitor's `info qtree`,
which lists each transport's MMIO base beside its bus. (QEMU 7.2 numbers
virtio-mmio-bus.N in creation order, which on virt is ascending address
order; the file states the pairing QEMU reports, not that rule.)

Only policy numbers (user_va_base, kernel_reserve) are written here; every
hardware number comes from QEMU. Usage: scripts/gen-boards.py [OUTDIR]
(default manifest/boards). The same QEMU gives byte-identical files.
"""
import os
import re
import subprocess
import sys
import tempfile

import libfdt

BOARDS = {
    "qemu-virt-aarch64": {
        "arch": "aarch64",
        "qemu": {"machine": "virt,gic-version=3", "cpu": "cortex-a72", "smp": 4, "memory": "256M"},
        # Shards live in TTBR0 (39-bit); the kernel in the TTBR1 high half.
        "user_va_base": 0x2000000000,
        "kernel_reserve": 0x800000,
        # The kernel's anti-rollback counters: the second bank of the CFI
        # flash (kern/rollback.c, platform/common/nv_cfi.c), which `tessera
        # qemu` backs with a file (-drive if=pflash,unit=1).
        "rollback_store": "cfi-flash",
    },
    "qemu-virt-riscv64": {
        "arch": "riscv64",
        # Zknh: the kernel hashes the image with the scalar SHA-256
        # instructions where riscv,isa names them (with Zbb, which QEMU's
        # rv64 has by default); QEMU 7.2 leaves them off unless asked.
        "qemu": {"machine": "virt", "cpu": "rv64,zknh=on", "smp": 4, "memory": "256M", "bios": "default"},
        # Sv39 user half ends at 2^38; OpenSBI sits at the start of RAM and
        # is inside the kernel reserve.
        "user_va_base": 0x2000000000,
        "kernel_reserve": 0x800000,
        # No rollback_store: QEMU 7.2's riscv virt takes a pflash drive for
        # firmware (hw/riscv/virt.c: unit 0 becomes the reset target, unit
        # 1 the S-mode payload OpenSBI jumps to instead of the kernel), so
        # its flash cannot hold data across boots without changing the boot.
    },
    "qemu-microvm-x86_64": {
        "arch": "x86_64",
        # -cpu max: SMEP, SMAP, UMIP, XSAVE under TCG too (docs/x86_64.md).
        # An entropy device on virtio-mmio transport 1 (GSI 25): a device a
        # shard can drive and make interrupt (platform/x86_64/test/virtio_rng).
        # Not transport 0: QEMU 7.2's IOAPIC model turns pin 0 into pin 2 on
        # every IOAPIC (the ISA IRQ 0 -> GSI 2 rule of hw/intc/ioapic.c
        # ioapic_set_irq), so GSI 24 arrives as GSI 26.
        "qemu": {"machine": "microvm", "cpu": "max", "smp": 4, "memory": "256M",
                 "args": ["-device", "virtio-rng-device,bus=virtio-mmio-bus.1"]},
        "user_va_base": 0x2000000000,
        "kernel_reserve": 0x800000,
        # No rollback_store: microvm has no flash (nor any other persistent
        # store a guest can write), so only the boot image's floor applies.
    },
}
# Nodes the kernel owns: interrupt controllers and the RISC-V timer/IPI unit.
KERNEL_ONLY = ("riscv,clint0", "sifive,clint0", "riscv,aclint-mswi", "riscv,aclint-mtimer")

# Bus masters (`dma: master`): devices that read and write memory on their
# own. These boards have no IOMMU, so nothing confines where: a shard granted
# one can reach all memory, and the manifest must say so (docs/manifest.md
# "Bus masters"). A device is a bus master when
#  - the DTB says it does DMA: `dma-coherent` or `dma-noncoherent`
#    (Devicetree Specification v0.4, 2.3.10 and 2.3.11: properties of a
#    device that performs DMA). QEMU's aarch64 virt sets it on virtio-mmio,
#    fw_cfg and the PCIe host; riscv64 virt on fw_cfg and the PCIe host;
#  - it is a PCI host bridge (device_type "pci"): its ECAM window reaches
#    the configuration space of every PCI function behind it, and a
#    function's Bus Master Enable bit (PCI Local Bus Specification 3.0,
#    6.2.2, Command register bit 2) lets it DMA anywhere;
#  - it is an MSI controller (`msi-controller`: the GICv3 ITS): the ITS
#    reads its command queue and reads and writes its tables in memory at
#    addresses software programs (GICv3/v4 architecture specification IHI
#    0069, 12.19.1 GITS_BASER<n>, 12.19.6 GITS_CBASER);
#  - else by compatible (DMA_COMPATIBLE), where QEMU's description is
#    silent: riscv64 virt leaves dma-coherent off its virtio-mmio nodes (DMA
#    is coherent by default there) and microvm has no DTB at all.
# Not bus masters: cfi-flash (memory with a command interface; QEMU's
# hw/block/pflash_cfi01.c has no DMA), the UARTs, RTCs, GPIO and the SiFive
# test (power/reset) device: each only answers the CPU's accesses.
DMA_COMPATIBLE = (
    # Virtio 1.2, 4.2.2 "MMIO Device Register Layout": QueueDesc/QueueDriver/
    # QueueDevice take guest-physical addresses of rings the device reads
    # and writes, and so do the buffers the rings point at.
    "virtio,mmio", "qemu,virtio-mmio",
    # QEMU docs/specs/fw_cfg.rst, "DMA interface": writing a control
    # structure's address to the DMA address register (offset 16 on MMIO)
    # makes fw_cfg read or write guest memory at addresses the structure
    # names (the issue-10 exploit overwrote the kernel's reload key so).
    "qemu,fw-cfg-mmio",
)


def die(msg):
    print("gen-boards: error: %s" % msg, file=sys.stderr)
    sys.exit(1)


def qemu_cmd(arch, q):
    argv = ["qemu-system-" + arch, "-machine", q["machine"]]
    if q.get("cpu"):
        argv += ["-cpu", q["cpu"]]
    argv += ["-smp", str(q["smp"]), "-m", q["memory"]]
    if q.get("bios"):
        argv += ["-bios", q["bios"]]
    return argv + ["-display", "none", "-S"]


def run(argv, inp=None):
    try:
        r = subprocess.run(argv, input=inp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    except FileNotFoundError:
        die("%s not found (scripts/bootstrap.sh installs it)" % argv[0])
    except subprocess.TimeoutExpired:
        die("%s did not finish in 20s" % " ".join(argv))
    return r.stdout.decode(errors="replace")


def hmp(argv, command):
    """Output of one monitor command, through QMP (whole reply at once)."""
    import json

    try:
        p = subprocess.Popen(argv + ["-qmp", "stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    except FileNotFoundError:
        die("%s not found (scripts/bootstrap.sh installs it)" % argv[0])
    try:
        p.stdin.write('{"execute": "qmp_capabilities"}\n')
        p.stdin.write(json.dumps({"execute": "human-monitor-command", "arguments": {"command-line": command}}) + "\n")
        p.stdin.flush()
        result = None
        for line in p.stdout:
            msg = json.loads(line)
            if isinstance(msg.get("return"), str):
                result = msg["return"]
                break
        p.stdin.write('{"execute": "quit"}\n')
        p.stdin.flush()
        p.wait(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    if result is None:
        die("%s gave no answer to '%s'" % (argv[0], command))
    return result


# ---------------------------------------------------------------- DTB boards
def u32s(prop):
    b = bytes(prop)
    return [int.from_bytes(b[i:i + 4], "big") for i in range(0, len(b), 4)]


def cells(vals, n):
    v = 0
    for x in vals[:n]:
        v = (v << 32) | x
    return v


class Tree:
    def __init__(self, blob):
        self.fdt = libfdt.Fdt(blob)
        self._props = {}

    def prop(self, off, name):
        # Walk the properties instead of getprop(QUIET_NOTFOUND): Debian's
        # pylibfdt drops a reference to None on "not found" and the
        # interpreter aborts at exit.
        if off not in self._props:
            d = {}
            p = self.fdt.first_property_offset(off, libfdt.QUIET_NOTFOUND)
            while p >= 0:
                prop = self.fdt.get_property_by_offset(p)
                d[prop.name] = bytes(prop)
                p = self.fdt.next_property_offset(p, libfdt.QUIET_NOTFOUND)
            self._props[off] = d
        return self._props[off].get(name)

    def strs(self, off, name):
        p = self.prop(off, name)
        return [s for s in bytes(p).decode().split("\0") if s] if p is not None else []

    def children(self, off):
        c = self.fdt.first_subnode(off, libfdt.QUIET_NOTFOUND)
        while c >= 0:
            yield c
            c = self.fdt.next_subnode(c, libfdt.QUIET_NOTFOUND)

    def acells(self, parent):
        p = self.prop(parent, "#address-cells")
        return u32s(p)[0] if p is not None else 2

    def scells(self, parent):
        p = self.prop(parent, "#size-cells")
        return u32s(p)[0] if p is not None else 1

    def reg(self, off, parent):
        p = self.prop(off, "reg")
        if p is None:
            return []
        a, s = self.acells(parent), self.scells(parent)
        v = u32s(p)
        out = []
        for i in range(0, len(v) - a - s + 1, a + s):
            out.append((cells(v[i:], a), cells(v[i + a:], s)))
        return out

    def path(self, off):
        parts = []
        while off > 0:
            parts.append(self.fdt.get_name(off))
            off = self.fdt.parent_offset(off, libfdt.QUIET_NOTFOUND)
        return "/" + "/".join(reversed(parts))

    def int_parent(self, off):
        while off >= 0:
            p = self.prop(off, "interrupt-parent")
            if p is not None:
                return self.fdt.node_offset_by_phandle(u32s(p)[0])
            if off == 0:
                break
            off = self.fdt.parent_offset(off, libfdt.QUIET_NOTFOUND)
        return -1


def irq_numbers(t, off):
    p = t.prop(off, "interrupts")
    if p is None:
        return []
    ip = t.int_parent(off)
    if ip < 0:
        return []
    comp = t.strs(ip, "compatible")
    n = u32s(t.prop(ip, "#interrupt-cells"))[0]
    v = u32s(p)
    out = []
    for i in range(0, len(v), n):
        c = v[i:i + n]
        if any(x.startswith("arm,gic") for x in comp):
            # GIC binding: <type num flags>; SPI n is INTID 32+n, PPI n is
            # INTID 16+n (GICv3 architecture spec, 2.2 "INTIDs").
            out.append(c[1] + (32 if c[0] == 0 else 16))
        else:
            out.append(c[0])  # PLIC: the source number
    return out


def dtb_board(name, spec, blob):
    t = Tree(blob)
    root = 0
    cpus = t.fdt.path_offset("/cpus")
    ncores = sum(1 for c in t.children(cpus) if t.strs(c, "device_type") == ["cpu"])
    ram = []
    devs = []
    chosen = t.fdt.path_offset("/chosen", libfdt.QUIET_NOTFOUND)
    stdout = t.strs(chosen, "stdout-path")[0].split(":")[0] if chosen >= 0 and t.strs(chosen, "stdout-path") else ""

    def walk(off, parent):
        nm = t.fdt.get_name(off) if off else ""
        if off and (nm in ("cpus", "chosen", "aliases", "reserved-memory")):
            return
        if off and t.strs(off, "device_type") == ["memory"]:
            ram.extend(t.reg(off, parent))
            return
        if off and t.prop(off, "compatible") is not None and t.prop(off, "reg") is not None:
            devs.append((t.path(off), nm.split("@")[0].replace("-", "_").replace(",", "_"), off, parent))
        if t.strs(off, "device_type") == ["pci"]:
            return  # children use PCI addressing
        for c in t.children(off):
            walk(c, off)

    walk(root, root)
    counts = {}
    for _, base, _, _ in devs:
        counts[base] = counts.get(base, 0) + 1
    seen = {}
    devices = {}
    console = None
    for path, base, off, parent in sorted(devs, key=lambda d: (d[1], t.reg(d[2], d[3])[0][0])):
        if counts[base] > 1:
            dn = "%s%d" % (base, seen.get(base, 0))
            seen[base] = seen.get(base, 0) + 1
        else:
            dn = base
        comp = t.strs(off, "compatible")
        d = {"compatible": comp, "reg": [{"base": b, "size": s} for b, s in t.reg(off, parent)],
             "irqs": irq_numbers(t, off)}
        if t.prop(off, "interrupt-controller") is not None or any(c in KERNEL_ONLY for c in comp):
            d["interrupt_controller"] = True
        if (any(t.prop(off, p) is not None for p in ("dma-coherent", "dma-noncoherent", "msi-controller"))
                or t.strs(off, "device_type") == ["pci"] or any(c in DMA_COMPATIBLE for c in comp)):
            d["dma"] = "master"
        d["dt_path"] = path
        devices[dn] = d
        if path == stdout:
            console = dn
    if not console:
        die("%s: no /chosen stdout-path in the DTB" % name)
    store = [dn for dn, d in sorted(devices.items()) if spec.get("rollback_store") in d["compatible"]]
    return {"cores": ncores, "ram": [{"base": b, "size": s} for b, s in ram], "devices": devices,
            "console": console, "rollback_store": store[0] if store else None,
            "source": "QEMU DTB (dumpdtb), read with libfdt"}


# ------------------------------------------------------------ qemu buses
_QTREE_MMIO = re.compile(r"^\s*mmio ([0-9a-f]+)/[0-9a-f]+$")
_QTREE_BUS = re.compile(r"^\s*bus: (virtio-mmio-bus\.\d+)$")


def qemu_buses(argv):
    """{MMIO base: bus name} of every virtio-mmio transport in `info qtree`:
    a transport's `mmio BASE/SIZE` line comes right before its child bus."""
    buses, base = {}, None
    for line in hmp(argv, "info qtree").splitlines():
        m = _QTREE_MMIO.match(line)
        if m:
            base = int(m.group(1), 16)
            continue
        m = _QTREE_BUS.match(line)
        if m and base is not None:
            buses[base] = m.group(1)
        base = None if line.strip().startswith("dev:") else base
    return buses


def add_buses(b, argv):
    buses = qemu_buses(argv)
    for d in b["devices"].values():
        if d["reg"] and d["reg"][0]["base"] in buses:
            d["qemu_bus"] = buses[d["reg"][0]["base"]]


# --------------------------------------------------------------- microvm
def microvm_irqs(devices, nioapics):
    """GSIs of microvm's devices (QEMU hw/i386/microvm.c, microvm_devices_init):
    virtio-mmio transport n (at 0xfeb00000 + 512 n) is wired to GSI
    virtio_irq_base + n, 24 (IO_APIC_SECONDARY_IRQBASE: the second IOAPIC)
    when there are two IOAPICs, else 16 with ACPI; the ISA serial is COM1,
    ISA IRQ 4, which QEMU's MADT does not override (GSI 4)."""
    base = 24 if nioapics > 1 else 16
    for d in devices.values():
        if d["compatible"] == ["qemu,virtio-mmio"]:
            d["irqs"] = [base + (d["reg"][0]["base"] - 0xfeb00000) // 512]
    devices["serial"]["irqs"] = [4]


_MTREE = re.compile(r"^\s*([0-9a-f]+)-([0-9a-f]+) \(prio -?\d+, ([\w/]+)\): (\S+)")


def mtree_board(name, spec):
    out = hmp(qemu_cmd("x86_64", spec["qemu"]) + ["-serial", "null"], "info mtree -f")
    views = re.split(r"^FlatView #\d+", out, flags=re.M)
    mem, io = "", ""
    for v in views:
        if 'AS "memory"' in v:
            mem = v
        if 'AS "I/O"' in v:
            io = v
    ram, devices, counts = [], {}, {}
    regions = []
    for line in mem.splitlines():
        m = _MTREE.match(line)
        if not m:
            continue
        lo, hi, kind, what = int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4)
        if kind == "ram" and what == "microvm.ram":
            ram.append((lo, hi + 1 - lo))
        elif kind == "i/o" and what in ("virtio-mmio", "ioapic"):
            regions.append((what, lo, hi + 1 - lo))
    for what, lo, size in regions:
        counts[what] = counts.get(what, 0) + 1
    idx = {}
    for what, lo, size in regions:
        base = what.replace("-", "_")
        dn = "%s%d" % (base, idx.get(what, 0)) if counts[what] > 1 else base
        idx[what] = idx.get(what, 0) + 1
        d = {"compatible": ["qemu," + what], "reg": [{"base": lo, "size": size}], "irqs": []}
        if what == "ioapic":
            d["interrupt_controller"] = True
        if d["compatible"][0] in DMA_COMPATIBLE:
            d["dma"] = "master"
        devices[dn] = d
    serial = None
    for line in io.splitlines():
        m = _MTREE.match(line)
        if m and m.group(4) == "serial":
            serial = int(m.group(1), 16), int(m.group(2), 16) + 1 - int(m.group(1), 16)
    if serial is None or not ram:
        die("%s: QEMU's memory map shows no RAM or no serial port" % name)
    devices["serial"] = {"compatible": ["ns16550a"], "reg": [{"base": serial[0], "size": serial[1]}], "irqs": [],
                         "port_io": True}
    microvm_irqs(devices, counts.get("ioapic", 0))
    # microvm RAM is split around the BIOS area below 1M; plan in the part above it.
    ram.sort(key=lambda r: -r[1])
    return {"cores": spec["qemu"]["smp"], "ram": [{"base": b, "size": s} for b, s in ram[:1]], "devices": devices,
            "console": "serial", "source": "QEMU monitor `info mtree -f` (microvm has no dumpable DTB)"}


# ------------------------------------------------------------------ output
def hx(n):
    return "0x%x" % n


def emit(name, spec, b):
    L = ["# Generated by scripts/gen-boards.py from %s: do not edit." % b["source"],
         "# Regenerate: scripts/gen-boards.py (tests/codegen/test_boards.py checks it matches).",
         "name: %s" % name, "arch: %s" % spec["arch"], "cores: %d" % b["cores"], "ram:"]
    for r in b["ram"]:
        L.append("  - {base: %s, size: %s}" % (hx(r["base"]), hx(r["size"])))
    L += ["console: %s" % b["console"], "user_va_base: %s" % hx(spec["user_va_base"]),
          "kernel_reserve: %s" % hx(spec["kernel_reserve"])]
    if b.get("rollback_store"):
        L.append("rollback_store: %s" % b["rollback_store"])
    L.append("qemu:")
    for k in ("machine", "cpu", "smp", "memory", "bios"):
        if k in spec["qemu"]:
            L.append("  %s: %s" % (k, spec["qemu"][k]))
    if spec["qemu"].get("args"):
        L.append("  args: [%s]" % ", ".join('"%s"' % a for a in spec["qemu"]["args"]))
    L.append("devices:")
    for dn in sorted(b["devices"]):
        d = b["devices"][dn]
        L.append("  %s:" % dn)
        L.append("    compatible: [%s]" % ", ".join('"%s"' % c for c in d["compatible"]))
        L.append("    reg: [%s]" % ", ".join("{base: %s, size: %s}" % (hx(r["base"]), hx(r["size"])) for r in d["reg"]))
        L.append("    irqs: [%s]" % ", ".join(str(i) for i in d["irqs"]))
        if d.get("qemu_bus"):
            L.append("    qemu_bus: %s" % d["qemu_bus"])
        for flag in ("interrupt_controller", "port_io"):
            if d.get(flag):
                L.append("    %s: true" % flag)
        if d.get("dma"):
            L.append("    dma: %s" % d["dma"])
        if d.get("dt_path"):
            L.append("    dt_path: %s" % d["dt_path"])
    return "\n".join(L) + "\n"


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "manifest", "boards")
    os.makedirs(outdir, exist_ok=True)
    for name, spec in BOARDS.items():
        if spec["arch"] == "x86_64":
            b = mtree_board(name, spec)
            add_buses(b, qemu_cmd("x86_64", spec["qemu"]) + ["-serial", "null"])
        else:
            with tempfile.TemporaryDirectory() as tmp:
                f = os.path.join(tmp, "board.dtb")
                q = dict(spec["qemu"], machine=spec["qemu"]["machine"] + ",dumpdtb=" + f)
                out = run(qemu_cmd(spec["arch"], q))
                if not os.path.isfile(f):
                    die("%s: QEMU wrote no DTB: %s" % (name, out.strip()))
                with open(f, "rb") as fh:
                    b = dtb_board(name, spec, fh.read())
            add_buses(b, qemu_cmd(spec["arch"], spec["qemu"]))
        with open(os.path.join(outdir, name + ".yaml"), "w") as fh:
            fh.write(emit(name, spec, b))
        print("gen-boards: %s: %d cores, %d devices, console %s" % (name, b["cores"], len(b["devices"]), b["console"]))


if __name__ == "__main__":
    main()
