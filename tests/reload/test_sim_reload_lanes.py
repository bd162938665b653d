"""Hot reload of a multi-core shard in the simulator (issue 15): a 2-lane
worker behind a fan-out is swapped during traffic; both lanes stop at a
yield and start the new version together, and the sink sees every lane's
stream complete, in order, each message once.

Nothing here is timed: waits are for lines, with a generous safety net."""
import os
import shutil

import pytest

from reload_fixture import ROOT
from test_sim_reload import HERE, Sim, reload

EXAMPLES = os.path.join(ROOT, "shards", "examples")
TOTAL = 300000


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("reload-lanes"))
    for src, dst in (("fan_gen", "gen"), ("lane_worker", "worker"), ("lane_sink", "sink"), ("common", "common")):
        shutil.copytree(os.path.join(EXAMPLES, src), os.path.join(tmp, dst))
    shutil.copy(os.path.join(HERE, "sim", "reload-lanes.yaml"), os.path.join(tmp, "m.yaml"))
    s = Sim(tmp, "reload-lanes")
    try:
        s.wait_for(r"^shard:sink\| count=100000$")
        yield s
    finally:
        s.stop()


def test_reload_of_two_lanes_during_traffic_loses_and_repeats_nothing(sim):
    src = os.path.join(sim.tmp, "worker", "lane_worker.c")
    with open(src) as f:
        text = f.read()
    v2 = text.replace("tess_out(0), 0,", "tess_out(0), FILTER_V2_TAG,")
    assert v2 != text
    with open(src, "w") as f:  # version 2 tags what it forwards
        f.write(v2)
    start = len(sim.lines)
    rc, out, err = reload(sim, "--shard", "worker")
    assert rc == 0, (out, err)
    sim.wait_for(r"^kern\| reload: shard worker: version 1 stopped at a yield, version \d+ installed$", start)
    sim.wait_for(r"^kern\| reload: shard worker: version \d+ running$", start)
    sim.wait_for(r"^shard:worker\| up \(reason 2\), 2 lanes$", start)
    for lane in (0, 1):
        sim.wait_for(r"^shard:worker\| lane %d on core %d$" % (lane, lane + 1), start)
    done = sim.wait_for(r"^shard:sink\| done: (\d+) packets, (\d+) gaps$")
    assert (int(done.group(1)), int(done.group(2))) == (TOTAL, 0)
    ins = [sim.wait_for(r"^shard:sink\| in %d: (\d+) packets, last seq (\d+)$" % i) for i in (0, 1)]
    assert sum(int(m.group(1)) for m in ins) == TOTAL
    assert all(int(m.group(2)) == int(m.group(1)) - 1 for m in ins)
    assert not sim.grep(r"seq gap|lane \d failed|restarted")
