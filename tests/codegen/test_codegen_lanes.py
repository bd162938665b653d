"""Multi-core shards (issue 15): lanes, lane endpoints and fan-out
channels in the plan, the generated tables and headers, and the layout."""
import json
import os

import pytest

from codegen_helpers import ROOT, tessera
from tessera import pipeline
from tessera.render import files as gen

MANIFEST = """tessera: 1
name: lanes
board: host
kernel:
  defaults: {memory: 256K, stack: 16K}
shards:
  rx:
    source: %(root)s/shards/examples/pktgen
    cores: [0]
  worker:
    source: %(root)s/shards/examples/filter
    cores: [1, 2, 3]
    devices: [{name: virtio_mmio0, dma: unconfined, lane: 2}]
  sink:
    source: %(root)s/shards/examples/sink
    cores: [0]
channels:
  - {from: rx, to: worker, lanes: all, slots: 256, slot_size: 64}
  - {from: worker, to: sink, lanes: all, slots: 256, slot_size: 64}
  - {from: worker.1, to: sink, name: ctl, slots: 4, slot_size: 64}
"""


@pytest.fixture
def out(tmp_path):
    m = tmp_path / "lanes.yaml"
    m.write_text(MANIFEST % {"root": ROOT})
    gen.generate(pipeline.load_and_plan(str(m)), str(tmp_path / "gen"))
    return m, tmp_path / "gen"


def test_fan_out_expands_to_one_ring_per_lane(out):
    _, d = out
    lay = json.loads((d / "layout.json").read_text())
    chans = [(c["name"], c["from"], c["from_lane"], c["to"], c["to_lane"], c["fan"]) for c in lay["channels"]]
    assert chans == [
        ("rx_to_worker_0", "rx", 0, "worker", 0, "rx_to_worker"),
        ("rx_to_worker_1", "rx", 0, "worker", 1, "rx_to_worker"),
        ("rx_to_worker_2", "rx", 0, "worker", 2, "rx_to_worker"),
        ("worker_to_sink_0", "worker", 0, "sink", 0, "worker_to_sink"),
        ("worker_to_sink_1", "worker", 1, "sink", 0, "worker_to_sink"),
        ("worker_to_sink_2", "worker", 2, "sink", 0, "worker_to_sink"),
        ("ctl", "worker", 1, "sink", 0, None),
    ]
    w = lay["shards"][1]
    assert [e["lane"] for e in w["ends"]] == [0, 1, 2, 0, 1, 2, 1]
    assert w["irqs"] == [{"bit": 7, "device": "virtio_mmio0", "irq": 32, "lane": 2}]


def test_lanes_have_own_stacks_guards_and_control_pages(out):
    _, d = out
    lay = json.loads((d / "layout.json").read_text())
    w = lay["shards"][1]
    page, stack = 4096, 16 << 10
    assert w["cores"] == [1, 2, 3] and [ln["core"] for ln in w["lanes"]] == [1, 2, 3]
    assert w["stack_top"] == w["lanes"][0]["stack_top"] == w["mem_va"] + w["mem_size"] + 3 * page
    stacks = [m for m in w["maps"] if m["kind"] == "stack"]
    image = w["maps"][0]
    assert image["kind"] == "image" and image["size"] == w["mem_size"] - 3 * stack
    for ln, m in zip(w["lanes"], stacks):
        assert m["va"] + m["size"] == ln["stack_top"] and m["pa"] == ln["stack_pa"]
        assert ln["ctrl_va"] == w["ctrl_va"] + ln["lane"] * page and ln["ctrl_pa"] == w["ctrl_pa"] + ln["lane"] * page
    # Nothing maps a lane stack's guard page; stacks are disjoint in PA, inside the shard's memory.
    for m in stacks:
        assert not any(x["va"] < m["va"] and x["va"] + x["size"] > m["va"] - page for x in w["maps"])
        assert w["mem_pa"] + image["size"] <= m["pa"] < w["mem_pa"] + w["mem_size"]
    assert len({m["pa"] for m in stacks}) == 3
    ctrl = [m for m in w["maps"] if m["kind"] == "ctrl"]
    assert [(m["va"], m["size"]) for m in ctrl] == [(w["ctrl_va"], 3 * page)]
    assert lay["cores"] == [{"core": 0, "order": [0, 2]}, {"core": 1, "order": [1]}, {"core": 2, "order": [1]},
                            {"core": 3, "order": [1]}]


def test_headers_name_lanes_rings_and_the_pick_helper(out):
    _, d = out
    w = (d / "shards" / "worker" / "tessera_shard_cfg.h").read_text()
    rx = (d / "shards" / "rx" / "tessera_shard_cfg.h").read_text()
    assert "#define TESS_NLANES 3\n" in w and "#define TESS_NLANES 1\n" in rx
    assert "#define TESS_CH_RX_TO_WORKER_2 2 /* consumer, lane 2 */\n" in w
    assert "#define TESS_CH_CTL 6 /* producer, lane 1 */\n" in w
    assert "#define TESS_CH_RX_TO_WORKER_1 1 /* producer */\n" in rx
    for h in (w, rx):
        assert "#define TESS_FAN_RX_TO_WORKER_BIT0 0\n" in h
        assert "#define TESS_FAN_RX_TO_WORKER_LANES 3\n" in h
        assert "#define TESS_FAN_RX_TO_WORKER_PICK(hash) tess_fan_pick(0, 3, (hash))\n" in h
    assert "#define TESS_FAN_WORKER_TO_SINK_BIT(lane) (3 + (lane))\n" in w
    assert "#define TESS_IRQ_VIRTIO_MMIO0_0 7 /* platform IRQ 32, lane 2 */\n" in w


def test_tables_carry_lanes(out):
    _, d = out
    t = (d / "kern" / "tables.c").read_text()
    assert "/* shard 1 'worker' on cores 1, 2, 3 */" in t
    assert "{ .channel = 2, .role = TESS_ROLE_CONSUMER, .lane = 2 }, /* bit 2: rx_to_worker_2 */" in t
    assert "\t\t.nlanes = 3,\n\t\t.lanes = lanes_1,\n" in t
    assert t.count("/* lane ") == 5
    c = (d / "shards" / "worker" / "shard_cfg.c").read_text()
    assert "\t.nlanes = 3,\n" in c and "\t.lanes = lanes,\n" in c


def test_print_layout_shows_lanes(out):
    m, _ = out
    rc, text, err = tessera("gen", str(m), "-o", str(m.parent / "g2"), "--print-layout")
    assert rc == 0, err
    lines = text.splitlines()
    assert [ln.split()[0:4] for ln in lines if ln.startswith("worker lane")] == [
        ["worker", "lane", "2", "stack"], ["worker", "lane", "1", "stack"], ["worker", "lane", "0", "stack"]]
    assert any(ln.startswith("worker ctrl pages ") and ln.split()[-2:] == ["12K", "worker"] for ln in lines)
    assert any(ln.startswith("channel rx_to_worker_1 ") and ln.endswith("rx -> worker.1") for ln in lines)
    assert "cores: 0: rx sink; 1: worker.0; 2: worker.1; 3: worker.2" in lines
    assert "shard worker: 3 lanes on cores 1, 2, 3 (lane i on the i-th)" in lines


def test_single_core_plans_are_unchanged_by_lanes(out):
    """A one-core shard is one lane: the shard's stack and control page."""
    _, d = out
    rx = json.loads((d / "layout.json").read_text())["shards"][0]
    assert rx["lanes"] == [{"core": 0, "ctrl_pa": rx["ctrl_pa"], "ctrl_va": rx["ctrl_va"], "lane": 0,
                            "stack_off": rx["mem_size"] - rx["stack_size"],
                            "stack_pa": rx["mem_pa"] + rx["mem_size"] - rx["stack_size"],
                            "stack_top": rx["stack_top"]}]
    assert rx["stack_top"] == rx["mem_va"] + rx["mem_size"] + 4096
    assert os.path.exists(d / "shards" / "rx" / "shard.ld")
