"""Layout invariants on many random valid manifests (hypothesis)."""
import json
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen_helpers import ROOT
from tessera import pipeline
from tessera.plan import layout

PAGE = 4096
SRC = os.path.join(ROOT, "shards", "examples", "sink")
DEVICES = {"host": [], "qemu-virt-aarch64": ["pl031", "pl061", "fw_cfg"], "qemu-virt-riscv64": ["rtc", "test"],
           "qemu-microvm-x86_64": []}
BUS_MASTERS = {"fw_cfg"}  # granted with the acknowledgement the board asks for


@st.composite
def manifests(draw):
    board = draw(st.sampled_from(sorted(DEVICES)))
    n = draw(st.integers(1, 8))
    shards = {}
    for i in range(n):
        stack = draw(st.integers(1, 8)) * PAGE - draw(st.integers(0, 100))
        shards["s%d" % i] = {
            "source": SRC, "cores": [draw(st.integers(0, 3))],
            "memory": stack + draw(st.integers(PAGE, 64 * PAGE)), "stack": stack,
            "persistent": draw(st.sampled_from([0, 1, 4095, 4096, 20000])),
        }
    devs = DEVICES[board]
    for d in devs:
        owner = draw(st.integers(-1, n - 1))
        if owner >= 0:
            shards["s%d" % owner].setdefault("devices", []).append(
                {"name": d, "dma": "unconfined"} if d in BUS_MASTERS else d)
    channels = []
    for _ in range(draw(st.integers(0, 10))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a != b:
            channels.append({"name": "c%d" % len(channels), "from": "s%d" % a, "to": "s%d" % b,
                             "slots": 1 << draw(st.integers(0, 10)), "slot_size": 64 * draw(st.integers(1, 32))})
    regions = {}
    for r in range(draw(st.integers(0, 3))):
        acc = {"s%d" % i: draw(st.sampled_from(["r", "rw"])) for i in range(n) if draw(st.booleans())}
        if acc:
            regions["r%d" % r] = {"size": draw(st.integers(1, 3 * 1024 * 1024)), "access": acc}
    m = {"tessera": 1, "name": "random", "board": board, "shards": shards, "channels": channels}
    if regions:
        m["regions"] = regions
    return m


def _no_overlap(ranges, what):
    ranges = sorted(r for r in ranges if r[1] > 0)
    for (a, asz, an), (b, bsz, bn) in zip(ranges, ranges[1:]):
        assert a + asz <= b, "%s: %s overlaps %s" % (what, an, bn)


def naive_pt_pages(arch, maps):
    levels = {"aarch64": 3, "riscv64": 3, "x86_64": 4, "host": 0}[arch]
    if not levels:
        return 0
    tables = {("root",)}
    for va, size in maps:
        for page in range(va, va + size, PAGE):
            for k in range(1, levels):
                tables.add((k, page >> (12 + 9 * k)))
    return len(tables)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifests())
def test_layout_invariants(m):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.yaml")
        with open(path, "w") as f:
            json.dump(m, f)  # JSON is YAML
        plan = pipeline.load_and_plan(path)
    ram_lo, ram_hi = plan.ram_base, plan.ram_base + plan.ram_size
    # Nothing a shard or a device can be pointed at overlaps the kernel
    # reserve, which holds the image and its reload key (docs/design.md
    # "The kernel's secrets").
    pas = [(plan.kernel_pa, plan.kernel_size, "kernel")]
    for s in plan.shards:
        n = s["name"]
        pas += [(s["mem_pa"], s["mem_size"], n + ".mem"), (s["ctrl_pa"], PAGE, n + ".ctrl"),
                (s["persist_pa"], s["persist_size"], n + ".persist"), (s["pt_pa"], s["pt_size"], n + ".pt")]
        # image room, one unmapped guard page, stack (VA); image, stack (PA)
        assert s["entry"] == s["mem_va"] and s["stack_top"] == s["mem_va"] + s["mem_size"] + PAGE
        assert s["stack_top"] % 16 == 0
        assert s["mem_size"] >= s["stack_size"] + PAGE
        img = next(mp for mp in s["maps"] if mp["kind"] == "image")
        stk = next(mp for mp in s["maps"] if mp["kind"] == "stack")
        assert stk["va"] == img["va"] + img["size"] + PAGE and stk["va"] + stk["size"] == s["stack_top"]
        assert stk["pa"] == img["pa"] + img["size"] and img["size"] + stk["size"] == s["mem_size"]
        assert not [mp for mp in s["maps"] if mp["va"] < stk["va"] and mp["va"] + mp["size"] > stk["va"] - PAGE]
        # per-shard VA: no overlaps, page aligned, shared objects at their one VA
        _no_overlap([(mp["va"], mp["size"], mp["kind"]) for mp in s["maps"]], n + " VA")
        for mp in s["maps"]:
            assert mp["va"] % PAGE == 0 and mp["pa"] % PAGE == 0 and mp["size"] % PAGE == 0 and mp["size"] > 0
        for e in s["ends"]:
            c = plan.channels[e["channel"]]
            assert any(mp["va"] == c["va"] and mp["pa"] == c["pa"] for mp in s["maps"])
        assert s["pt_size"] == PAGE * naive_pt_pages(plan.arch, [(mp["va"], mp["size"]) for mp in s["maps"]])
        assert len(s["ends"]) + len(s["irqs"]) <= 64
    for c in plan.channels:
        assert c["size"] == -(-(256 + c["slots"] * c["slot_size"]) // PAGE) * PAGE
        pas.append((c["pa"], c["size"], "chan " + c["name"]))
    for r in plan.regions:
        pas.append((r["pa"], r["size"], "region " + r["name"]))
    # hot-reload staging and per-shard reload slots (added to the plan by the reload part)
    if getattr(plan, "reload_staging_size", 0):
        pas.append((plan.reload_staging_pa, plan.reload_staging_size, "reload staging"))
    for s in plan.shards:
        if s.get("reload_pa"):
            pas.append((s["reload_pa"], s["mem_size"], s["name"] + ".reload"))
    for pa, size, what in pas:
        assert pa % PAGE == 0 and size % PAGE == 0, what
        if size:
            assert ram_lo <= pa and pa + size <= ram_hi, what
    _no_overlap(pas, "PA")
    # device windows are outside RAM and map the board's registers
    for s in plan.shards:
        for w in s["dev_windows"]:
            assert w["pa"] + w["size"] <= ram_lo or w["pa"] >= ram_hi
    assert layout.canonical_hash(plan.model["raw"], layout._board_for_hash(plan.board)) == plan.manifest_hash
