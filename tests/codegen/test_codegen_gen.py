"""`tessera gen`: files, determinism, cross-compilation, layout facts."""
import filecmp
import json
import os
import shutil
import subprocess

import pytest

from codegen_helpers import EXAMPLES, ROOT, tessera
from tessera import pipeline
from tessera.plan import layout
from tessera.render import files as gen

HOST = os.path.join(EXAMPLES, "packet-pipeline.yaml")
A64 = os.path.join(EXAMPLES, "packet-pipeline-aarch64.yaml")


def _files(d):
    out = []
    for base, _, names in os.walk(d):
        out += [os.path.relpath(os.path.join(base, n), d) for n in names]
    return sorted(out)


def test_emits_exactly_the_designed_files(tmp_path):
    rc, out, err = tessera("gen", HOST, "-o", str(tmp_path))
    assert (rc, err) == (0, "")
    want = ["build.cmake", "kern/tables.c", "layout.json"]
    for s in ("filter", "gen", "sink"):
        want += ["shards/%s/shard.ld" % s, "shards/%s/shard_cfg.c" % s, "shards/%s/tessera_shard_cfg.h" % s]
    assert _files(tmp_path) == sorted(want)
    assert (tmp_path / "build.cmake").read_text().splitlines()[2:] == [
        'tess_add_shard(gen "%s/shards/examples/pktgen" 0)' % ROOT,
        'tess_add_shard(filter "%s/shards/examples/filter" 1)' % ROOT,
        'tess_add_shard(sink "%s/shards/examples/sink" 2)' % ROOT,
    ]


@pytest.mark.parametrize("manifest", sorted(os.listdir(EXAMPLES)))
def test_deterministic(tmp_path, manifest):
    path = os.path.join(EXAMPLES, manifest)
    for d in ("a", "b"):
        gen.generate(pipeline.load_and_plan(path), str(tmp_path / d))
    cmp = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    for f in _files(tmp_path / "a"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    del cmp


def test_shard_header_constants(tmp_path):
    gen.generate(pipeline.load_and_plan(HOST), str(tmp_path))
    h = (tmp_path / "shards" / "filter" / "tessera_shard_cfg.h").read_text()
    lay = json.loads((tmp_path / "layout.json").read_text())
    f = lay["shards"][1]
    assert '#define TESS_SHARD_NAME "filter"\n' in h
    assert "#define TESS_SHARD_ID 1\n" in h
    assert "#define TESS_CH_GEN_TO_FILTER 0 /* consumer */\n" in h
    assert "#define TESS_CH_FILTER_TO_SINK 1 /* producer */\n" in h
    assert "#define TESS_CTRL_VA 0x%xull\n" % f["ctrl_va"] in h
    # the stack lies one unmapped guard page above the image room (item 5 of issue 10)
    assert f["entry"] == f["mem_va"] and f["stack_top"] == f["mem_va"] + f["mem_size"] + 4096
    assert lay["channels"][0]["to_bit"] == 0 and lay["channels"][1]["from_bit"] == 1


def test_device_irq_and_region_constants(tmp_path):
    m = tmp_path / "m.yaml"
    m.write_text("""tessera: 1
name: drv
board: qemu-virt-aarch64
shards:
  rtc:
    source: %s/shards/examples/pl031_alarm
    cores: [0]
    memory: 64K
    devices: [pl031]
    persistent: 100
  peer:
    source: %s/shards/examples/sink
    cores: [1]
    memory: 64K
channels:
  - {name: ticks, from: rtc, to: peer, slots: 8, slot_size: 128}
regions:
  shared_stats: {size: 5000, access: {rtc: rw, peer: r}}
""" % (ROOT, ROOT))
    plan = pipeline.load_and_plan(str(m))
    gen.generate(plan, str(tmp_path / "g"))
    h = (tmp_path / "g" / "shards" / "rtc" / "tessera_shard_cfg.h").read_text()
    s = plan.shards[0]
    w = s["dev_windows"][0]
    assert (w["pa"], w["size"]) == (0x9010000, 0x1000)
    assert "#define TESS_CH_TICKS 0 /* producer */\n" in h
    assert "#define TESS_IRQ_PL031 1\n" in h  # after the one channel end
    assert "#define TESS_IRQ_PL031_0 1 /* platform IRQ 34 */\n" in h  # GIC SPI 2 = INTID 34
    assert "#define TESS_DEV_PL031_VA 0x%xull\n" % w["va"] in h
    assert "#define TESS_DEV_PL031_SIZE 0x1000ull\n" in h
    r = plan.regions[0]
    assert r["size"] == 8192
    assert "#define TESS_REGION_SHARED_STATS_VA 0x%xull\n" % r["va"] in h
    assert "#define TESS_PERSIST_SIZE 0x1000ull\n" in h
    kinds = [mp["kind"] for mp in s["maps"]]
    assert kinds == ["image", "stack", "ctrl", "persist", "channel", "region", "mmio"]
    assert s["maps"][-1]["attr"] == layout.MAP_DEVICE | layout.MAP_R | layout.MAP_W
    peer_region = [mp for mp in plan.shards[1]["maps"] if mp["kind"] == "region"][0]
    assert peer_region["attr"] == layout.MAP_R and peer_region["va"] == r["va"]


def test_dma_regions_and_config(tmp_path):
    """DMA regions: contiguous at their alignment after the regions, one VA
    in every shard that maps them, the bus (physical) address in the
    header, by name and by the shard's map order; config as typed
    constants."""
    m = tmp_path / "m.yaml"
    m.write_text("""tessera: 1
name: dma
board: qemu-virt-aarch64
shards:
  drv:
    source: %s/shards/examples/sink
    cores: [0]
    memory: 64K
    devices: [{name: virtio_mmio3, dma: unconfined}]
    config: {queue: 256, neg: -5, wide: 0x100000000, top: 18446744073709551615, low: -9223372036854775808,
             mac: "52:54:00:AB:cd:ef",
             name: 'say "hi"', rules: [1, -2, 3]}
  app:
    source: %s/shards/examples/sink
    cores: [1]
    memory: 64K
channels:
  - {from: drv, to: app, slots: 8, slot_size: 64}
regions:
  stats: {size: 4K, access: {drv: rw}}
dma:
  rings: {size: 10K, access: {drv: rw}, cached: false}
  pkt: {size: 1M, align: 1M, access: {drv: rw, app: r}}
""" % (ROOT, ROOT))
    plan = pipeline.load_and_plan(str(m))
    gen.generate(plan, str(tmp_path / "g"))
    rings, pkt = plan.dma
    assert (rings["size"], pkt["size"]) == (12 << 10, 1 << 20)
    assert rings["pa"] == plan.regions[0]["pa"] + plan.regions[0]["size"]
    assert pkt["pa"] % (1 << 20) == 0 and pkt["pa"] >= rings["pa"] + rings["size"]
    drv, app = plan.shards
    assert [mp["kind"] for mp in drv["maps"]] == ["image", "stack", "ctrl", "channel", "region", "dma", "dma",
                                                  "mmio"]
    assert drv["maps"][5]["attr"] == layout.MAP_R | layout.MAP_W | layout.MAP_NC
    assert [mp["attr"] for mp in app["maps"] if mp["kind"] == "dma"] == [layout.MAP_R]
    assert [mp["va"] for mp in app["maps"] if mp["kind"] == "dma"] == [pkt["va"]]
    h = (tmp_path / "g" / "shards" / "drv" / "tessera_shard_cfg.h").read_text()
    for line in ("#define TESS_DMA_RINGS_PA 0x%xull" % rings["pa"], "#define TESS_DMA_PKT_VA 0x%xull" % pkt["va"],
                 "#define TESS_DMA_PKT_SIZE 0x100000ull", "#define TESS_DMA_PKT_WRITABLE 1",
                 "#define TESS_DMA_0_VA TESS_DMA_RINGS_VA", "#define TESS_DMA_1_PA TESS_DMA_PKT_PA",
                 "#define TESS_DEV_0_VA 0x%xull /* virtio_mmio3 */" % drv["dev_windows"][0]["reg_va"],
                 "#define TESS_DEV_0_IRQ 1",
                 "#define TESS_CFG_QUEUE 256", "#define TESS_CFG_NEG (-5)", "#define TESS_CFG_WIDE 4294967296ll",
                 "#define TESS_CFG_TOP 18446744073709551615ull", "#define TESS_CFG_LOW (-9223372036854775807ll - 1)",
                 "#define TESS_CFG_MAC { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef }",
                 '#define TESS_CFG_NAME "say \\"hi\\""', "#define TESS_CFG_RULES { 1, (-2), 3 }",
                 "#define TESS_CFG_RULES_LEN 3"):
        assert line + "\n" in h, line
    assert drv["dev_windows"][0]["reg_va"] % 4096 == 0x600  # virtio_mmio3 at 0xa000600
    a = (tmp_path / "g" / "shards" / "app" / "tessera_shard_cfg.h").read_text()
    assert "#define TESS_DMA_0_VA TESS_DMA_PKT_VA\n" in a and "TESS_DMA_PKT_WRITABLE 0\n" in a
    assert "RINGS" not in a and "TESS_CFG_" not in a
    lay = json.loads((tmp_path / "g" / "layout.json").read_text())
    assert [(d["name"], d["pa"], d["align"], d["cached"]) for d in lay["dma"]] == [
        ("rings", rings["pa"], 4096, False), ("pkt", pkt["pa"], 1 << 20, True)]
    assert lay["shards"][0]["dma"] == [[0, "rw"], [1, "rw"]]
    rc, out, err = tessera("gen", str(m), "-o", str(tmp_path / "p"), "--print-layout")
    assert rc == 0
    rows = [ln.split() for ln in out.splitlines() if ln.startswith(("dma rings", "dma pkt"))]
    assert [r[:3] + r[-3:] for r in rows] == [["dma", "rings", "(uncached)", "0x%012x-0x%012x" % (
        rings["va"], rings["va"] + rings["size"]), "12K", "drv:rw"], ["dma", "pkt", "0x%012x-0x%012x" % (
        pkt["pa"], pkt["pa"] + pkt["size"]), "1M", "drv:rw,", "app:r"]]


def test_hash_follows_the_manifest(tmp_path):
    a = pipeline.load_and_plan(HOST).manifest_hash
    m = tmp_path / "m.yaml"
    m.write_text(open(HOST).read().replace("slots: 256", "slots: 128", 1).replace("../../", ROOT + "/"))
    b = pipeline.load_and_plan(str(m)).manifest_hash
    assert len(a) == 32 and a != b


def test_print_layout(tmp_path):
    rc, out, err = tessera("gen", HOST, "--print-layout", "-o", str(tmp_path))
    assert rc == 0
    lines = out.splitlines()
    assert lines[0] == "packet-pipeline on board host (host): RAM 0x0-0x10000000, 2104K of 256M used"
    assert lines[2].split() == ["kernel", "reserve", "0x000000000000-0x000000100000", "-", "1M", "kernel"]
    assert lines[-1] == "cores: 0: gen; 1: filter; 2: sink; 3: -"
    assert any(line.startswith("channel gen_to_filter (256x64)") and line.endswith("20K  gen -> filter")
               for line in lines)


@pytest.mark.skipif(shutil.which("clang") is None, reason="clang not installed")
@pytest.mark.parametrize("target", ["aarch64", "riscv64", "x86_64"])
def test_generated_c_compiles_freestanding(tmp_path, target):
    gen.generate(pipeline.load_and_plan(A64), str(tmp_path))
    srcs = [tmp_path / "kern" / "tables.c"] + sorted((tmp_path / "shards").glob("*/shard_cfg.c"))
    # The header must be usable from a shard source too.
    probe = tmp_path / "probe.c"
    probe.write_text('#include "tessera_shard_cfg.h"\nint probe[TESS_CH_GEN_TO_FILTER + 1];\n')
    for src in srcs + [probe]:
        r = subprocess.run(["clang", "--target=%s-unknown-elf" % target, "-std=c11", "-ffreestanding", "-nostdlib",
                            "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "kern", "public"),
                            "-I", os.path.join(ROOT, "shards", "include"), "-I", str(tmp_path / "shards" / "gen"),
                            "-c", str(src), "-o", str(tmp_path / "x.o")], stderr=subprocess.PIPE, text=True)
        assert r.returncode == 0, r.stderr


def test_page_table_pool_counts():
    # one page: root + one table per lower level
    assert layout.pt_pages("aarch64", [(0x2000000000, 4096)]) == 3
    assert layout.pt_pages("riscv64", [(0x2000000000, 4096)]) == 3
    assert layout.pt_pages("x86_64", [(0x2000000000, 4096)]) == 4
    assert layout.pt_pages("host", [(0x2000000000, 4096)]) == 0
    # a map crossing a 2M boundary needs a second leaf table
    assert layout.pt_pages("aarch64", [(0x2000200000 - 4096, 8192)]) == 4
    # two maps 1G apart: a second level-2 table and a second leaf
    assert layout.pt_pages("aarch64", [(0x2000000000, 4096), (0x2040000000, 4096)]) == 5
    # x86_64: crossing a 512G boundary needs a second PDPT
    assert layout.pt_pages("x86_64", [(0x8000000000 - 4096, 8192)]) == 7


def test_graph_svg_and_dot(tmp_path):
    rc, out, err = tessera("graph", HOST, "-o", str(tmp_path / "p.dot"))
    assert rc == 0
    src = (tmp_path / "p.dot").read_text()
    assert '"s_gen" [label="gen\\ncore 0"];' in src
    assert '"s_gen" -> "s_filter" [label="gen_to_filter\\n256 x 64 B"];' in src
    if shutil.which("dot"):
        rc, out, err = tessera("graph", HOST, "-o", str(tmp_path / "p.svg"))
        assert rc == 0 and (tmp_path / "p.svg").read_text().lstrip().startswith("<?xml")


def test_schema_command_prints_the_schema():
    rc, out, err = tessera("schema")
    assert rc == 0
    s = json.loads(out)
    assert s["properties"]["tessera"] == {"description": "format version", "const": 1}
    assert set(s["$defs"]["shard"]["properties"]) == {"source", "cores", "memory", "stack", "devices", "watchdog",
                                                      "on_fault", "persistent", "restart", "config"}
    assert set(s["properties"]) == {"tessera", "name", "board", "kernel", "shards", "channels", "regions", "dma"}


def test_prebuilt_elf_source(tmp_path):
    (tmp_path / "app.elf").write_bytes(b"\x7fELF" + bytes(60))
    (tmp_path / "notes.txt").write_text("hello")
    m = tmp_path / "m.yaml"
    body = """tessera: 1
name: pre
board: host
shards:
  app: {source: %s, cores: [0], memory: 64K}
  peer: {source: %s/shards/examples/sink, cores: [1], memory: 64K}
channels:
  - {from: app, to: peer, slots: 4, slot_size: 64}
"""
    m.write_text(body % ("app.elf", ROOT))
    gen.generate(pipeline.load_and_plan(str(m)), str(tmp_path / "g"))
    assert 'tess_add_prebuilt_shard(app "%s")\n' % (tmp_path / "app.elf") in (tmp_path / "g" / "build.cmake").read_text()
    m.write_text(body % ("notes.txt", ROOT))
    rc, out, err = tessera("check", str(m))
    assert (rc, err) == (1, "%s:5:17: error: source 'notes.txt' of shard 'app' is neither a directory of C sources "
                            "nor an ELF file\n" % m)


@pytest.mark.skipif(shutil.which("clang") is None or shutil.which("ld.lld") is None, reason="clang/lld not installed")
@pytest.mark.parametrize("target", ["aarch64", "riscv64"])
def test_shard_ld_links(tmp_path, target):
    plan = pipeline.load_and_plan(os.path.join(EXAMPLES, "packet-pipeline-%s.yaml" % target))
    gen.generate(plan, str(tmp_path))
    s = plan.shards[0]
    src = tmp_path / "s.c"
    src.write_text('__attribute__((section(".text.start"))) void _tess_start(void) { for (;;) {} }\n'
                   "const int ro = 1;\nint data = 2;\nint bss[100];\n")
    obj, elf = tmp_path / "s.o", tmp_path / "s.elf"
    cc = ["clang", "--target=%s-unknown-elf" % target, "-ffreestanding", "-nostdlib", "-O2", "-fno-pic"]
    subprocess.run(cc + ["-c", str(src), "-o", str(obj)], check=True)
    r = subprocess.run(["ld.lld", "-T", str(tmp_path / "shards" / s["name"] / "shard.ld"), str(obj), "-o", str(elf)],
                       stderr=subprocess.PIPE, text=True)
    assert r.returncode == 0, r.stderr
    nm = subprocess.run(["llvm-nm", str(elf)], stdout=subprocess.PIPE, text=True, check=True).stdout
    sym = {line.split()[2]: int(line.split()[0], 16) for line in nm.splitlines() if len(line.split()) == 3}
    assert sym["_tess_start"] == s["mem_va"] == s["entry"]
    assert sym["__tess_exec_end"] % 4096 == 0 and sym["__tess_exec_end"] > s["mem_va"]
    assert sym["__tess_exec_end"] <= sym["data"] < sym["__tess_image_end"] <= sym["__tess_bss_start"]
    assert sym["__tess_bss_start"] <= sym["bss"] < sym["__tess_bss_end"] <= s["stack_top"] - s["stack_size"]
    # too little room above the stack: the ASSERT stops the link
    src.write_text('__attribute__((section(".text.start"))) void _tess_start(void) { for (;;) {} }\n'
                   "char big[%d];\n" % (s["mem_size"] - s["stack_size"] - 64))
    subprocess.run(cc + ["-c", str(src), "-o", str(obj)], check=True)
    r = subprocess.run(["ld.lld", "-T", str(tmp_path / "shards" / s["name"] / "shard.ld"), str(obj), "-o", str(elf)],
                       stderr=subprocess.PIPE, text=True)
    assert r.returncode != 0
    assert "shard gen: image + bss leave less than the stack (16384 bytes) free; raise its memory" in r.stderr
