"""The tool's structure: every generated file from a template, the board
decided once before planning, every arch fact in the arch table, the
packer writing the image size into each kind of boot header."""
import os
import re
import struct

import pytest
from codegen_helpers import EXAMPLES, ROOT, tessera
from tessera import arch, image, pipeline
from tessera.errors import TesseraError
from tessera.paths import TEMPLATES_DIR
from tessera.render import files

A64 = os.path.join(EXAMPLES, "packet-pipeline-aarch64.yaml")
RV = os.path.join(ROOT, "tests", "qemu", "manifests", "faults-riscv64.yaml")
PKG = os.path.join(ROOT, "codegen", "tessera")


def _sources():
    for base, _, names in os.walk(PKG):
        for n in names:
            if n.endswith(".py"):
                yield os.path.join(base, n)


def test_every_generated_file_comes_from_a_template():
    plan = pipeline.load_and_plan(A64)
    out = files.render(plan, key=bytes(range(32)))
    want = {p for p, _ in files.SYSTEM_FILES} | {files.KEY_FILE[0], files.BOARD_FILE[0]}
    want |= {"shards/%s/%s" % (s["name"], p) for s in plan.shards for p, _ in files.SHARD_FILES}
    assert set(out) == want
    used = {t for _, t in files.SYSTEM_FILES + files.SHARD_FILES + (files.KEY_FILE, files.BOARD_FILE)}
    assert used == set(os.listdir(TEMPLATES_DIR))
    # the simulator has no boot-time DTB check
    host = files.render(pipeline.load_and_plan(A64, board_override="host"), key=bytes(32))
    assert files.BOARD_FILE[0] not in host and files.KEY_FILE[0] in host


def test_no_c_or_linker_text_in_python():
    rx = re.compile(r"#include\s*<|const struct tess_|\bSECTIONS\b|ENTRY\(")
    hits = [p for p in _sources() if rx.search(open(p).read())]
    assert hits == []


def test_arch_facts_live_in_the_arch_table():
    names = [a for a in arch.ARCHES if a != "host"]
    rx = re.compile(r"\b(%s)\b|0x200000\b|0xffff" % "|".join(names))
    hits = ["%s:%d" % (os.path.relpath(p, ROOT), i + 1) for p in _sources() if not p.endswith("arch.py")
            for i, line in enumerate(open(p)) if rx.search(line)]
    assert hits == []


def test_platforms_take_the_arch_table_addresses_from_the_build():
    """The kernel VA offset and the kernel load address are the arch table's
    (and the board's): the platforms' C, assembly and linker scripts get
    them as compile definitions and configured files, never as literals.
    An arch's numbers are looked for in its own platform directory (another
    arch's load address may be a register offset there: riscv64's PLIC
    threshold block sits at 0x200000, x86_64's kernel loads there) and
    every arch's in the shared code."""
    facts = {}
    for a in arch.targets():
        spec = arch.ARCHES[a]
        plan = pipeline.load_and_plan(A64, arch=a)
        facts[a] = {spec.kva_offset, plan.kernel_load_pa, plan.kernel_load_va}

    def literal(numbers):
        return re.compile(r"\b(%s)(ull|ul|u)?\b" % "|".join("0x%x" % f for f in sorted(numbers)), re.I)

    dirs = [("platform/" + a, literal(f)) for a, f in facts.items()]
    dirs += [(d, literal(set().union(*facts.values()))) for d in ("platform/common", "cmake", "kern")]
    hits = []
    for d, rx in dirs:
        for base, _, names in os.walk(os.path.join(ROOT, d)):
            for n in names:
                p = os.path.join(base, n)
                hits += ["%s:%d" % (os.path.relpath(p, ROOT), i + 1) for i, line in enumerate(open(p, errors="replace"))
                         if rx.search(line)]
    assert hits == []


def test_board_check():
    plan = pipeline.load_and_plan(RV)
    assert [(d["name"], d["compatible"]) for d in plan.board_check] == [
        ("serial", "ns16550a"), ("clint", "sifive,clint0"), ("plic", "sifive,plic-1.0.0"),
        ("rtc", "google,goldfish-rtc")]
    assert (plan.console_irq, plan.cores_used) == (10, 1 + max(s["core"] for s in plan.shards))
    c = files.render(plan, key=bytes(32))["platform/board.c"]
    assert '{ .name = "plic", .compatible = "sifive,plic-1.0.0", .pa = 0xc000000ull, .size = 0x600000ull },' in c
    assert "\t.ndevs = 4,\n" in c and "\t.console_irq = 10,\n" in c


def test_the_board_is_decided_before_planning():
    own = pipeline.load_and_plan(A64, arch="aarch64")
    assert own.board["name"] == "qemu-virt-aarch64"
    other = pipeline.load_and_plan(A64, arch="riscv64")
    assert (other.board["name"], other.console) == ("qemu-virt-riscv64", "serial")
    assert other.to_json() == pipeline.load_and_plan(A64, board_override="qemu-virt-riscv64").to_json()
    assert other.kernel_load_pa == other.kernel_pa + arch.ARCHES["riscv64"].text_offset


def test_build_accepts_the_supported_targets_only():
    assert arch.targets() == ["aarch64", "riscv64", "x86_64"]
    assert arch.reload_arches() == ["host", "aarch64", "riscv64", "x86_64"]
    rc, out, err = tessera("build", A64, "--arch", "mips64")
    assert rc == 2 and "invalid choice: 'mips64' (choose from 'aarch64', 'riscv64', 'x86_64')" in err


def test_x86_64_is_one_arch_table_entry():
    """The x86_64 port added to the tool: its board, load address, linear
    map and boot header all come from its entry."""
    x86 = arch.ARCHES["x86_64"]
    plan = pipeline.load_and_plan(A64, arch="x86_64")
    assert plan.board["name"] == x86.default_board == "qemu-microvm-x86_64"
    assert (plan.kernel_pa, plan.kernel_load_pa, plan.kernel_load_va) == (0x100000, 0x200000, 0xffffffff80200000)
    assert plan.console_pa == 0x3f8  # an I/O port: the console's `reg` on a port_io device
    assert x86.image_header.kind in image.SIZE_WRITERS


# The rooms in pipeline order: a module imports only from its own room or
# an earlier one, so there is no import loop between rooms.
ORDER = ["arch", "errors", "paths", "image", "manifest", "validate", "plan", "pipeline", "render", "reload",
         "backend", "traffic", "commands", "cli", "__main__"]


def test_rooms_import_only_earlier_rooms():
    import ast

    def room(mod):
        return mod.split(".")[1]

    bad = []
    for p in _sources():
        rel = os.path.relpath(p, os.path.dirname(PKG))[:-3].replace(os.sep, ".")
        if rel.endswith("__init__") and rel.count(".") == 1:
            continue
        mine = ORDER.index(room(rel))
        for node in ast.walk(ast.parse(open(p).read())):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if isinstance(node, ast.ImportFrom) and node.module == "tessera":
                names = ["tessera." + a.name for a in node.names]
            for n in names:
                if n.startswith("tessera.") and ORDER.index(room(n)) > mine:
                    bad.append("%s imports %s" % (rel, n))
    assert bad == []


def _elf64_with_load():
    """An ELF64 header (e_phoff 64, 2 program headers of 56 bytes): a
    PT_NOTE, then a PT_LOAD from file offset 0."""
    img = bytearray(4096)
    img[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<Q", img, 32, 64)
    struct.pack_into("<HH", img, 54, 56, 2)
    struct.pack_into("<IIQ", img, 64, 4, 4, 176)  # PT_NOTE at 176
    struct.pack_into("<IIQ", img, 120, 1, 7, 0)  # PT_LOAD at 0
    return img


def test_the_packer_writes_the_size_where_each_boot_header_kind_keeps_it():
    linux = bytearray(4096)
    image.SIZE_WRITERS[arch.LINUX_IMAGE.kind](linux, arch.LINUX_IMAGE, 0x12345)
    assert struct.unpack_from("<Q", linux, 16) == (0x12345,)
    elf = _elf64_with_load()
    image.SIZE_WRITERS[arch.ELF_PVH.kind](elf, arch.ELF_PVH, 0x12345)
    assert struct.unpack_from("<QQ", elf, 120 + 32) == (0x12345, 0x12345)  # p_filesz, p_memsz
    assert struct.unpack_from("<QQ", elf, 64 + 32) == (0, 0)  # the note is left alone
    with pytest.raises(TesseraError, match="does not start with an ELF64 little-endian header"):
        image.SIZE_WRITERS[arch.ELF_PVH.kind](bytearray(4096), arch.ELF_PVH, 1)


def test_qemu_refuses_kvm_before_building(tmp_path):
    """`tessera qemu --accel kvm` for a guest of another arch than the host's
    stops with the reason, before it builds anything; so does --icount
    with KVM."""
    guest = next(a for a in arch.targets() if a != arch.host_arch())
    out = str(tmp_path / "out")
    rc, _, err = tessera("qemu", A64, "--arch", guest, "--accel", "kvm", "-o", out)
    assert rc == 1 and err.strip() == ("tessera: error: --accel kvm: KVM runs guests of the host's architecture "
                                       "only (host %s, guest %s); run without it (TCG)" % (arch.host_arch(), guest))
    rc, _, err = tessera("qemu", A64, "--arch", guest, "--accel", "kvm", "--icount", "-o", out)
    assert rc == 1 and "-icount counts emulated instructions, TCG only" in err
    assert not os.path.exists(out)
