"""What a hot reload of the 2-lane worker (tests/reload/sim/reload-lanes.yaml)
must show, wherever it runs (tests/reload/test_sim_reload_lanes.py,
tests/qemu/test_lanes_reload.py): `wait_for(pattern, start=0)` returns
the first console match from `start` on, `grep(pattern)` every one."""


def make_v2(src):
    """Version 2 of lane_worker.c at `src`: it tags what it forwards."""
    with open(src) as f:
        v1 = f.read()
    v2 = v1.replace("tess_out(0), 0,", "tess_out(0), FILTER_V2_TAG,")
    assert v2 != v1
    with open(src, "w") as f:
        f.write(v2)


def check_swapped(wait_for, grep, start, total):
    """Both lanes stopped at a yield and started version 2 together; the
    sink saw every lane's stream complete, in order, each message once."""
    wait_for(r"^kern\| reload: shard worker: version 1 stopped at a yield, version \d+ installed$", start)
    wait_for(r"^kern\| reload: shard worker: version \d+ running$", start)
    wait_for(r"^shard:worker\| up \(reason 2\), 2 lanes$", start)
    for lane in (0, 1):
        wait_for(r"^shard:worker\| lane %d on core %d$" % (lane, lane + 1), start)
    done = wait_for(r"^shard:sink\| done: (\d+) packets, (\d+) gaps$")
    assert (int(done.group(1)), int(done.group(2))) == (total, 0)
    ins = [wait_for(r"^shard:sink\| in %d: (\d+) packets, last seq (\d+)$" % i) for i in (0, 1)]
    assert sum(int(m.group(1)) for m in ins) == total
    assert all(int(m.group(2)) == int(m.group(1)) - 1 for m in ins)
    assert not grep(r"seq gap|lane \d failed|restarted|panic")
