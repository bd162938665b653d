"""Shards that share a simulated core take turns and never run at the same
time: three `turns` shards on core 0 each claim a shared owner word for the
whole of each turn (including a system call, which must not end the turn)
and count claims they find taken; between two turns of one shard exactly the
two others run (round robin in manifest order)."""
import os

from simrun import MANIFESTS

MANIFEST = os.path.join(MANIFESTS, "shared-core-turns.yaml")


def test_shared_core_turns_never_overlap(sim):
    r = sim(MANIFEST, "--duration", "5s")
    done = {m.group(1): m.groups()[1:] for m in r.grep(r"^shard:(\w+)\| done turns=(\d+) overlaps=(\d+) gap=(\d+)\.\.(\d+)$")}
    assert set(done) == {"a", "b", "c"}, r
    for name, (turns, overlaps, gmin, gmax) in done.items():
        assert (int(turns), int(overlaps), int(gmin), int(gmax)) == (1000, 0, 2, 2), (name, r)
    shards = r.shards()
    assert {shards[n]["core"] for n in "abc"} == {0}
    # The shard on another core kept running alongside.
    assert r.grep(r"^shard:ticker\| tick 1$"), r
