"""tables.c for a manifest whose used cores have a gap (shards on cores 0 and
2, none on 1): each core's order array is named after its own core index, so
the table compiles (a filtered Jinja loop once numbered them 0, 1 and left
order_2 undefined). Also the hot-reload fields of the plan."""
import os
import re

from codegen_helpers import ROOT, tessera

MANIFEST = """tessera: 1
name: core-gap
board: host
shards:
  a: {source: %(ex)s/pktgen, cores: [0], memory: 64K}
  b: {source: %(ex)s/sink, cores: [2], memory: 128K}
channels:
  - {from: a, to: b, slots: 16, slot_size: 64}
"""


def test_order_arrays_follow_core_index(tmp_path):
    m = tmp_path / "m.yaml"
    m.write_text(MANIFEST % {"ex": os.path.join(ROOT, "shards", "examples")})
    rc, out, err = tessera("gen", str(m), "-o", str(tmp_path / "gen"))
    assert rc == 0, err
    c = (tmp_path / "gen" / "kern" / "tables.c").read_text()
    assert re.findall(r"static const uint16_t (order_\d+)\[\]", c) == ["order_0", "order_2"]
    assert "{ .order = order_0, .nshards = 1 }," in c
    assert "{ .order = NULL, .nshards = 0 }," in c
    assert "{ .order = order_2, .nshards = 1 }," in c
    # Hot reload: staging for the largest shard (128K) + 192-byte package overhead, page rounded.
    assert ".reload_staging_size = 0x21000ull," in c
    assert c.count(".reload_pa = 0x0ull,") == 2  # host board: no per-shard slots
