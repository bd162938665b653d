"""The tool's structure: every generated file from a template, the board
decided once before planning, every arch fact in the arch table."""
import os
import re

from codegen_helpers import EXAMPLES, ROOT, tessera
from tessera import arch, pipeline
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
    them as compile definitions and configured files, never as literals."""
    facts = set()
    for a in arch.targets():
        spec = arch.ARCHES[a]
        plan = pipeline.load_and_plan(A64, arch=a)
        facts |= {spec.kva_offset, plan.kernel_load_pa, plan.kernel_load_va}
    rx = re.compile(r"\b(%s)(ull|ul|u)?\b" % "|".join("0x%x" % f for f in sorted(facts)), re.I)
    hits = []
    for d in ("platform", "cmake", "kern"):
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


def test_build_refuses_an_arch_whose_port_has_not_landed():
    assert not arch.ARCHES["x86_64"].supported
    rc, out, err = tessera("build", A64, "--arch", "x86_64")
    assert rc == 2 and "invalid choice: 'x86_64'" in err


# The rooms in pipeline order: a module imports only from its own room or
# an earlier one, so there is no import loop between rooms.
ORDER = ["arch", "errors", "paths", "image", "manifest", "validate", "plan", "pipeline", "render", "reload",
         "backend", "commands", "cli", "__main__"]


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
