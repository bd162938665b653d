#!/usr/bin/python3
"""Stand-in for `tessera build --arch riscv64` while codegen has no riscv64
board yet: hand-plans a fixed manifest (the pipeline gen -> filter -> sink
on cores 0-2, fault shards on core 3, like tests/qemu/manifests/faults-*,
plus test/goldfish_alarm with the RTC's MMIO window and IRQ for the PLIC),
writes a gen/ directory, builds it with CMake/Ninja and packs the image
with codegen/tessera/image.py.

Usage: platform/riscv64/test/standin.py OUTDIR   -> OUTDIR/standin.img
Then:  qemu-system-riscv64 -machine virt -smp 4 -m 256M -bios default \
           -nographic -kernel OUTDIR/standin.img
"""
import hashlib
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "codegen"))
from tessera import image  # noqa: E402

EX = os.path.join(ROOT, "shards", "examples")
K = 1024
RAM, RAM_SIZE = 0x80000000, 0x0fe00000  # QEMU puts the DTB at 0x8fe00000
KERNEL_SIZE = 0x800000
# 1 GiB: below 2 GiB so medany auipc reaches weak undefined symbols (= 0)
# such as the runtime's optional shard_notified, and clear of the console
# PA that fault_mmio writes to.
USER_VA = 0x2000000000  # as manifest/boards/qemu-virt-riscv64.yaml
SHARDS = [  # name, example dir, core, extra
    ("gen", "pktgen", 0, {}),
    ("filter", "filter", 1, {}),
    ("sink", "sink", 2, {}),
    ("spin", "fault_spin", 3, {"watchdog_ns": 20000000}),
    ("wild", "fault_wild", 3, {}),
    ("mmio", "fault_mmio", 3, {}),
    ("exec", "fault_exec", 3, {}),
    ("kwrite", "fault_kwrite", 3, {}),
    # PLIC routing: the Goldfish RTC's MMIO window and IRQ 11, on core 1.
    ("rtc", os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldfish_alarm"), 1,
     {"mmio": (0x101000, 0x1000), "irq": 11}),
]
CHANNELS = [("gen", "filter", 256, 64), ("filter", "sink", 256, 64)]
MEM = 64 * K
IMAGE_PART = 32 * K  # text + rodata + data + bss; the stack follows


def page(n):
    return (n + 4095) // 4096 * 4096


def plan():
    pa, va = RAM + KERNEL_SIZE, USER_VA
    shards = []
    for i, (name, src, core, extra) in enumerate(SHARDS):
        s = dict(name=name, src=os.path.join(EX, src), core=core, id=i, extra=extra, ends=[])
        s["mem_pa"], s["mem_va"] = pa, va
        s["ctrl_pa"], s["ctrl_va"] = pa + MEM, va + MEM + 4096
        s["pt_pa"], s["pt_size"] = pa + MEM + 4096, 8 * 4096
        pa += MEM + 4096 + s["pt_size"]
        va += MEM + 4 * 4096
        shards.append(s)
    chans = []
    for c, (a, b, slots, size) in enumerate(CHANNELS):
        ch = dict(name="%s-%s" % (a, b), id=c, slots=slots, slot_size=size, pa=pa, va=va,
                  size=page(256 + slots * size))
        pa += ch["size"]
        va += ch["size"] + 4096
        src = next(s for s in shards if s["name"] == a)
        dst = next(s for s in shards if s["name"] == b)
        ch["from"], ch["to"] = src["id"], dst["id"]
        ch["from_bit"], ch["to_bit"] = len(src["ends"]), len(dst["ends"])
        src["ends"].append((c, 0))
        dst["ends"].append((c, 1))
        chans.append(ch)
    return shards, chans


def maps_of(s, chans):
    # One RWX image map like codegen's: the kernel splits it by the part's
    # exec_pages (W^X); then the stack.
    m = [(s["mem_va"], s["mem_pa"], IMAGE_PART, "TESS_MAP_R | TESS_MAP_W | TESS_MAP_X", "IMAGE"),
         (s["mem_va"] + IMAGE_PART, s["mem_pa"] + IMAGE_PART, MEM - IMAGE_PART, "TESS_MAP_R | TESS_MAP_W", "STACK"),
         (s["ctrl_va"], s["ctrl_pa"], 4096, "TESS_MAP_R | TESS_MAP_W", "CTRL")]
    for c, _ in s["ends"]:
        ch = chans[c]
        m.append((ch["va"], ch["pa"], ch["size"], "TESS_MAP_R | TESS_MAP_W", "CHANNEL"))
    if "mmio" in s["extra"]:
        pa, size = s["extra"]["mmio"]
        m.append((s["ctrl_va"] + 2 * 4096, pa, size, "TESS_MAP_R | TESS_MAP_W | TESS_MAP_DEVICE", "MMIO"))
    return m


def write_gen(gdir, shards, chans, mhash):
    os.makedirs(gdir + "/kern", exist_ok=True)
    os.makedirs(gdir + "/platform", exist_ok=True)
    c = ["#include <tessera/tables.h>"]
    for s in shards:
        n = s["name"]
        c.append("static const struct tess_map maps_%s[] = {" % n)
        for va, pa, size, attr, kind in maps_of(s, chans):
            c.append("\t{0x%xull, 0x%xull, 0x%x, %s, TESS_MAP_KIND_%s}," % (va, pa, size, attr, kind))
        c.append("};")
        c.append("static const struct tess_irq_grant irqs_%s[] = {{%d, %d, {0}}};" % (
            n, s["extra"].get("irq", 0), len(s["ends"])))
        c.append("static const struct tess_chan_end ends_%s[] = {%s};" % (
            n, ", ".join("{%d, %d, 0}" % e for e in s["ends"]) or "{0, 0, 0}"))
    c.append("static const struct tess_chan_cfg channels[] = {")
    for ch in chans:
        c.append('\t{"%s", %d, %d, %d, %d, 0, %d, %d, 0x%xull, 0x%xull, 0x%x},' % (
            ch["name"], ch["from"], ch["to"], ch["from_bit"], ch["to_bit"], ch["slots"], ch["slot_size"],
            ch["pa"], ch["va"], ch["size"]))
    c.append("};")
    ncores = max(s["core"] for s in shards) + 1
    for k in range(ncores):
        c.append("static const uint16_t order%d[] = {%s};" % (k, ", ".join(str(s["id"]) for s in shards
                                                                         if s["core"] == k)))
    c.append("static const struct tess_core_cfg cores[] = {%s};" % ", ".join(
        "{order%d, %d}" % (k, sum(1 for s in shards if s["core"] == k)) for k in range(ncores)))
    c.append("static const struct tess_shard_cfg shards[] = {")
    for s in shards:
        n = s["name"]
        c.append("\t{.name = \"%s\", .id = %d, .core = %d, .mem_pa = 0x%xull, .mem_va = 0x%xull, .mem_size = 0x%x,"
                 " .entry = 0x%xull, .stack_top = 0x%xull, .ctrl_pa = 0x%xull, .ctrl_va = 0x%xull,"
                 " .pt_pa = 0x%xull, .pt_size = 0x%x, .watchdog_ns = %d, .on_hang = TESS_POLICY_RESTART,"
                 " .on_fault = TESS_POLICY_RESTART, .restart_max = 100, .restart_window_ns = 1000000000ull,"
                 " .maps = maps_%s, .nmaps = %d, .nends = %d, .ends = ends_%s, .irqs = irqs_%s, .nirqs = %d}," % (
                     n, s["id"], s["core"], s["mem_pa"], s["mem_va"], MEM, s["mem_va"], s["mem_va"] + MEM,
                     s["ctrl_pa"], s["ctrl_va"], s["pt_pa"], s["pt_size"], s["extra"].get("watchdog_ns", 500000000),
                     n, len(maps_of(s, chans)), len(s["ends"]), n, n, 1 if "irq" in s["extra"] else 0))
    c.append("};")
    c.append("const struct tess_system_cfg tess_system = {.name = \"standin-riscv64\", .manifest_hash = {%s},"
             " .tick_ns = 1000000, .kernel_pa = 0x%x, .kernel_size = 0x%x, .console_pa = 0x10000000,"
             " .ncores = %d, .nshards = %d, .nchannels = %d, .cores = cores, .shards = shards,"
             " .channels = channels};" % (", ".join(str(b) for b in mhash), RAM, KERNEL_SIZE, ncores,
                                          len(shards), len(chans)))
    open(gdir + "/kern/tables.c", "w").write("\n".join(c) + "\n")
    open(gdir + "/platform/board.c", "w").write(
        "#include <plat/board.h>\n"
        "static const struct tess_board_dev devs[] = {{\"uart0\", \"ns16550a\", 0x10000000, 0x100},"
        " {\"plic\", \"riscv,plic0\", 0x0c000000, 0x600000}};\n"
        "const struct tess_board tess_board = {\"qemu-virt-riscv64\", 0x%x, 0x%x, %d, 2, devs};\n"
        % (RAM, RAM_SIZE, ncores))
    b = []
    for s in shards:
        d = "%s/shards/%s" % (gdir, s["name"])
        os.makedirs(d, exist_ok=True)
        open(d + "/tessera_shard_cfg.h", "w").write("#pragma once\n")
        ends = []
        for c_id, role in s["ends"]:
            ch = chans[c_id]
            ends.append('{"%s", 0x%xull, %d, %d, %d, %d, {0}}' % (ch["name"], ch["va"], ch["slots"],
                                                                 ch["slot_size"], role, len(ends)))
        maps = ["{0x%xull, 0x%xull, 0x%x, %s, TESS_MAP_KIND_%s}" % m for m in maps_of(s, chans)]
        open(d + "/shard_cfg.c", "w").write(
            "#include <tessera/shard_info.h>\n"
            "static const struct tess_end_info ends[] = {%s};\n"
            "static const struct tess_map maps[] = {%s};\n"
            "const struct tess_shard_info tess_self = {.name = \"%s\", .id = %d, .nends = %d, .nmaps = %d,"
            " .ctrl_va = 0x%xull, .ends = ends, .maps = maps};\n" % (
                ", ".join(ends) or "{0}", ", ".join(maps), s["name"], s["id"], len(s["ends"]), len(maps),
                s["ctrl_va"]))
        open(d + "/shard.ld", "w").write(
            "ENTRY(_tess_start)\nSECTIONS {\n  . = 0x%x;\n"
            "  .text : { KEEP(*(.text.start)) *(.text .text.*) }\n"
            "  .rodata : { *(.rodata .rodata.* .srodata .srodata.*) }\n"
            "  . = ALIGN(4096);\n  __tess_exec_end = .;\n"
            "  .data : ALIGN(4096) { *(.data .data.* .sdata .sdata.*) *(.got .got.*) }\n"
            "  .bss : { *(.sbss .sbss.* .bss .bss.* COMMON) }\n"
            "  ASSERT(. <= 0x%x, \"image + bss overlap the stack\")\n"
            "  /DISCARD/ : { *(.comment) *(.eh_frame*) *(.riscv.attributes) }\n}\n"
            % (s["mem_va"], s["mem_va"] + IMAGE_PART))
        b.append("tess_add_shard(%s %s %d)" % (s["name"], s["src"], s["core"]))
    open(gdir + "/build.cmake", "w").write("\n".join(b) + "\n")


def main():
    out = os.path.abspath(sys.argv[1])
    bdir, gdir = out + "/build", out + "/build/gen"
    shards, chans = plan()
    mhash = hashlib.sha256(b"standin-riscv64").digest()
    write_gen(gdir, shards, chans, mhash)
    subprocess.run(["cmake", "-S", ROOT, "-B", bdir, "-G", "Ninja", "-DTESS_ARCH=riscv64", "-DTESS_GEN_DIR=" + gdir,
                    "-DCMAKE_TOOLCHAIN_FILE=" + ROOT + "/cmake/toolchain-riscv64.cmake"] + sys.argv[2:],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", bdir, "-j2"], check=True, stdout=subprocess.DEVNULL)
    parts = [dict(name=s["name"], elf="%s/shards/%s.elf" % (bdir, s["name"]), mem_pa=s["mem_pa"],
                  mem_va=s["mem_va"], mem_size=MEM) for s in shards]
    print(image.pack(bdir + "/kernel.elf", parts, mhash, RAM, KERNEL_SIZE, 0x200000, out + "/standin.img"))


if __name__ == "__main__":
    main()
