"""Multi-core shards in the simulator (issue 15): a worker with 2 or 3
lanes behind a fan-out, each lane a thread of the shard's process on its
own core; a fault or a hang on one lane restarts every lane, once."""
import os
import re

import pytest

from simrun import EXAMPLES, MANIFESTS, parse_time


def _done(run, total, lanes):
    """Every lane's stream complete: counts add up, each in order from 0."""
    assert run.grep(r"^shard:sink\| done: %d packets, 0 gaps$" % total), run
    ins = [run.grep(r"^shard:sink\| in %d: (\d+) packets, last seq (\d+)$" % i) for i in range(lanes)]
    assert all(len(m) == 1 for m in ins), run
    counts = [int(m[0].group(1)) for m in ins]
    assert sum(counts) == total
    assert all(int(m[0].group(2)) == c - 1 for m, c in zip(ins, counts))
    assert all(c > 0 for c in counts), counts  # the flows spread over every lane
    return counts


@pytest.mark.parametrize("lanes", [2, 3])
def test_fan_out_delivers_exactly_once_in_order_per_lane(sim, lanes):
    total = 60000
    run = sim(os.path.join(MANIFESTS, "lanes-%d.yaml" % lanes), "--messages", str(total), "--duration", "120s")
    assert run.grep(r"^kern\| shard worker: started on cores 1-%d \(%d lanes\)$" % (lanes, lanes)), run
    # shard_init once, on lane 0; every lane ran on its own core.
    assert len(run.grep(r"^shard:worker\| up \(reason 0\), %d lanes$" % lanes)) == 1
    for lane in range(lanes):
        assert run.grep(r"^shard:worker\| lane %d on core %d$" % (lane, lane + 1)), run
    counts = _done(run, total, lanes)
    ch = run.channels()
    for lane in range(lanes):
        assert ch["feed_%d" % lane]["messages"] == ch["out_%d" % lane]["messages"] == counts[lane]
        assert ch["out_%d" % lane]["consumed"] == counts[lane]
    w = run.shards()["worker"]
    assert (w["faults"], w["hangs"], w["restarts"]) == (0, 0, 0)
    assert not run.grep(r"seq gap")


def _restarted_together(run, lanes=2):
    """One shard restart: a new life of every lane, lane 0's init first."""
    ups = run.grep(r"^shard:worker\| up \(reason (\d)\), %d lanes$" % lanes)
    assert [m.group(1) for m in ups] == ["0", "1"], run
    restart = run.index(ups[1].string)
    for lane in range(lanes):
        lines = [i for i, ln in enumerate(run.lines) if ln == "shard:worker| lane %d on core %d" % (lane, lane + 1)]
        assert len(lines) == 2 and lines[0] < restart < lines[1], (lane, lines, restart)
    assert len(run.grep(r"^kern\| shard worker: restarted \(1/3 in 10 s\)$")) == 1
    w = run.shards()["worker"]
    assert w["restarts"] == 1
    return w


def _no_loss(run):
    """A lane stopped mid-entry (at its next trap) may forward again what it
    had not released yet, as a restarted single-core shard does: repeats,
    never a lost message."""
    for m in run.grep(r"^shard:sink\| in \d: seq gap: expected (\d+) got (\d+)$"):
        assert int(m.group(2)) < int(m.group(1)), m.string


def test_fault_on_lane_1_restarts_every_lane(sim):
    run = sim(os.path.join(MANIFESTS, "lanes-fault.yaml"), "--messages", "40000", "--duration", "120s")
    faults = run.grep(r"^kern\| shard worker: fault (\S+) at 0x0 ")
    assert len(faults) == 1, run
    stop = run.index("kern| shard worker: lane 1 failed: stopping its 2 lanes")
    assert stop == run.index(faults[0].string) + 1
    w = _restarted_together(run)
    assert (w["faults"], w["hangs"]) == (1, 0)
    assert w["last_fault"].startswith("SIGSEGV at 0x0 pc ")
    _no_loss(run)
    assert run.channels()["out_1"]["consumed"] > 0


def test_hang_on_one_lane_caught_within_timeout_plus_tick(sim):
    path = os.path.join(MANIFESTS, "lanes-hang.yaml")
    run = sim(path, "--messages", "40000", "--duration", "120s")
    text = open(path).read()
    timeout = parse_time(re.search(r"watchdog: \{timeout: (\w+), on_hang: restart\}\n    config", text).group(1))
    tick = parse_time("1ms")
    late = run.cores()[1]["max_late_ns"]
    hangs = run.grep(r"^kern\| shard worker: watchdog: no yield for (\d+) ms$")
    assert len(hangs) == 1, run
    assert timeout // 10**6 <= int(hangs[0].group(1)) <= (timeout + tick + late) // 10**6
    assert run.index("kern| shard worker: lane 0 failed: stopping its 2 lanes") == run.index(hangs[0].string) + 1
    w = _restarted_together(run)
    assert (w["faults"], w["hangs"]) == (0, 1)
    _no_loss(run)


def test_example_runs(sim):
    run = sim(os.path.join(EXAMPLES, "fan-out.yaml"), "--messages", "20000", "--duration", "120s")
    assert run.grep(r"^kern\| shard worker: started on cores 1-2 \(2 lanes\)$")
    assert not run.grep(r"seq gap")


def test_lane_shares_its_core_with_a_single_core_shard(sim):
    """Lane 1 of the worker and the sink take turns on core 2 (each yields,
    the kernel never timeslices): every message once, in order per lane."""
    total = 60000
    run = sim(os.path.join(MANIFESTS, "lanes-shared.yaml"), "--messages", str(total), "--duration", "120s")
    assert run.grep(r"^kern\| shard worker: started on cores 1-2 \(2 lanes\)$"), run
    assert run.grep(r"^shard:worker\| lane 1 on core 2$"), run
    _done(run, total, 2)
    for name, s in run.shards().items():
        assert (s["faults"], s["hangs"], s["restarts"]) == (0, 0, 0), (name, s)
    assert not run.grep(r"seq gap")
