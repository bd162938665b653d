"""Anti-rollback across a restart of the simulator (docs/reload.md "Replay
and rollback"), its counterpart of tests/qemu/test_rollback.py: with
`tessera sim --rollback-store FILE` the kernel's counters live in FILE. A
reload of the filter as version 5 is accepted; the simulator is stopped and
started again on the same file: every shard runs version 1 again, but the
filter's floor is 5, and a signed package of version 4 is refused as older
than one accepted before. Without the option nothing is kept (the floor is
1 after every start). Waits are for lines; nothing is timed."""
import os
import shutil

from test_sim_reload import EXAMPLES, HERE, Sim, refused, reload

NAME = "reload-rollback"


def _copy(tmp):
    for src, dst in (("pktgen", "gen"), ("filter", "filter"), ("common", "common")):
        shutil.copytree(os.path.join(EXAMPLES, src), os.path.join(tmp, dst))
    shutil.copytree(os.path.join(HERE, "sim", "rsink"), os.path.join(tmp, "rsink"))
    with open(os.path.join(HERE, "sim", "reload-pipeline.yaml")) as f:
        text = f.read()
    assert "name: reload-e2e\n" in text
    with open(os.path.join(tmp, "m.yaml"), "w") as f:  # a build directory of its own
        f.write(text.replace("name: reload-e2e\n", "name: %s\n" % NAME))


def test_accepted_version_survives_a_restart(tmp_path):
    tmp = str(tmp_path)
    _copy(tmp)
    store = os.path.join(tmp, "counters.nv")
    sim = Sim(tmp, NAME, extra=["--rollback-store", store])
    try:
        sim.wait_for(r"^kern\| rollback: persistent store formatted \(it held no counters\)$")
        sim.wait_for(r"^shard:sink\| count=50000 ")
        start = len(sim.lines)
        rc, out, err = reload(sim, "--shard", "filter", "--image-version", "5")
        assert rc == 0, (rc, out, err)
        assert out.strip().splitlines()[-1] == "reload| accepted: shard 'filter' now runs version 5"
        sim.wait_for(r"^kern\| reload: shard filter: version 5 running$", start)
    finally:
        sim.stop()
    sim = Sim(tmp, NAME, extra=["--rollback-store", store])
    try:
        sim.wait_for(r"^kern\| rollback: counters in the persistent store: generation 1, 1 records$")
        sim.wait_for(r"^kern\| rollback: shard filter: floor version 5 \(accepted before\), boot image version 1$")
        sim.wait_for(r"^shard:sink\| count=50000 ")
        refused(sim, tmp_path, "version 4 is not newer than version 5, accepted before (anti-rollback)", version=4)
        assert not sim.grep(r"^kern\| rollback: shard (gen|rsink): ")
    finally:
        sim.stop()
    sim = Sim(tmp, NAME)  # no store: nothing is kept
    try:
        sim.wait_for(r"^shard:sink\| count=50000 ")
        assert not sim.grep(r"^kern\| rollback: ")
        refused(sim, tmp_path, "version 1 is not newer than the running version 1", version=1)
    finally:
        sim.stop()
