"""Hot reload of a multi-core shard in the simulator (issue 15): a 2-lane
worker behind a fan-out is swapped during traffic; both lanes stop at a
yield and start the new version together, and the sink sees every lane's
stream complete, in order, each message once.

Nothing here is timed: waits are for lines, with a generous safety net."""
import os
import shutil

import pytest

import lanes_checks
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
    lanes_checks.make_v2(os.path.join(sim.tmp, "worker", "lane_worker.c"))
    start = len(sim.lines)
    rc, out, err = reload(sim, "--shard", "worker")
    assert rc == 0, (out, err)
    lanes_checks.check_swapped(sim.wait_for, sim.grep, start, TOTAL)
