"""manifest/examples/faults.yaml: a hung shard is caught by the kernel's
watchdog within timeout + one tick (+ the host's tick lateness, which the
simulator measures and prints) and restarted while the pipeline keeps
counting; a crashing shard is restarted up to its limit, then halted; a wild
write is halted at once. manifests/stack.yaml: a shard that overflows its
stack faults on the guard page below it, as on the targets."""
import os
import sys

import pytest
from ruamel.yaml import YAML

from simrun import EXAMPLES, MANIFESTS, ROOT, parse_time

sys.path.insert(0, os.path.join(ROOT, "codegen"))
from tessera import pipeline  # noqa: E402

MANIFEST = os.path.join(EXAMPLES, "faults.yaml")
MESSAGES = 1500000


@pytest.fixture(scope="module")
def run(sim):
    return sim(MANIFEST, "--messages", str(MESSAGES), "--duration", "120s")


@pytest.fixture(scope="module")
def manifest():
    with open(MANIFEST) as f:
        return YAML(typ="safe").load(f)


def test_hang_caught_within_timeout_plus_tick(run, manifest):
    timeout = parse_time(manifest["shards"]["hang"]["watchdog"]["timeout"])
    tick = parse_time(manifest["kernel"]["tick"])
    core = run.shards()["hang"]["core"]
    late = run.cores()[core]["max_late_ns"]
    hangs = [int(m.group(1)) for m in run.grep(r"^kern\| shard hang: watchdog: no yield for (\d+) ms$")]
    assert hangs, run
    for ms in hangs:
        # The kernel prints whole ms (rounded down) of the measured time.
        assert timeout // 10**6 <= ms <= (timeout + tick + late) // 10**6, (ms, timeout, tick, late)
    assert run.shards()["hang"]["hangs"] == len(hangs)


def test_hang_restarted_while_pipeline_counts(run, manifest):
    restart_max = manifest["shards"]["hang"]["restart"]["max"]
    restarts = run.grep(r"^kern\| shard hang: restarted \((\d+)/(\d+) in .*\)$")
    assert [int(m.group(1)) for m in restarts] == list(range(1, len(restarts) + 1))
    assert restarts and all(int(m.group(2)) == restart_max for m in restarts)
    first = run.index(restarts[0].string)
    before = [int(m.group(1)) for m in run.grep(r"^shard:sink\| count=(\d+) ") if run.index(m.string) < first]
    after = [int(m.group(1)) for m in run.grep(r"^shard:sink\| count=(\d+) ") if run.index(m.string) > first]
    assert after, run
    assert max(after) > max(before, default=0)
    assert not run.grep(r"seq gap")
    assert "shard:hang| up (reason 1)" in " ".join(run.lines)


def test_crash_restarted_up_to_limit_then_halted(run, manifest):
    limit = manifest["shards"]["crash"]["restart"]["max"]
    faults = run.grep(r"^kern\| shard crash: fault SIGSEGV at 0x0 pc 0x[0-9a-f]+$")
    assert len(faults) == limit + 1, run
    restarted = [m.string for m in run.grep(r"^kern\| shard crash: restarted ")]
    assert len(restarted) == limit
    for k, line in enumerate(restarted, 1):
        assert line.startswith("kern| shard crash: restarted (%d/%d in " % (k, limit)), line
    halted = run.grep(r"^kern\| shard crash: halted \(restart limit %d in .* reached\)$" % limit)
    assert len(halted) == 1, run
    # In order: fault, restarted, fault, restarted, ..., fault, halted.
    seq = [line for line in run.lines if line.startswith("kern| shard crash: ") and "started on" not in line]
    assert [("fault" if " fault " in s else "restarted" if "restarted" in s else "halted") for s in seq] == [
        "fault",
        "restarted",
    ] * limit + ["fault", "halted"]
    s = run.shards()["crash"]
    assert (s["state"], s["faults"], s["restarts"]) == ("halted", limit + 1, limit)
    assert s["last_fault"].startswith("SIGSEGV at 0x0")


def test_wild_write_halted(run):
    wild = run.grep(r"^kern\| shard wild: fault SIGSEGV at 0x([0-9a-f]+) pc 0x[0-9a-f]+$")
    assert len(wild) == 1, run
    said = run.grep(r"^shard:wild\| writing to 0x([0-9a-f]+)$")
    assert len(said) == 1 and int(said[0].group(1), 16) == int(wild[0].group(1), 16), run
    assert "kern| shard wild: halted" in run.lines
    s = run.shards()["wild"]
    assert (s["state"], s["faults"], s["restarts"]) == ("halted", 1, 0)


def test_pipeline_unharmed(run):
    for name in ("gen", "filter", "sink"):
        s = run.shards()[name]
        assert (s["faults"], s["hangs"], s["restarts"]) == (0, 0, 0), (name, s)


def test_stack_overflow_hits_the_guard_page(sim):
    """The shard process runs on a stack of the manifest's size at its
    planned VA, with the planned guard page below it: unbounded recursion
    faults there (a stack overflow, at an address in the guard page, not a
    SIGSEGV somewhere in the host's stack), and on_fault applies: restarted
    up to its limit, then halted; its .data was never overwritten."""
    manifest = os.path.join(MANIFESTS, "stack.yaml")
    stack = next(m for m in pipeline.load_and_plan(manifest).shards[0]["maps"] if m["kind"] == "stack")
    r = sim(manifest, "--duration", "60s", expect_rc=1)  # every shard halted
    faults = [int(m.group(1), 16) for m in r.grep(r"^kern\| shard stack: fault stack overflow at 0x([0-9a-f]+) pc 0x")]
    assert len(faults) == 3 and all(stack["va"] - 4096 <= a < stack["va"] for a in faults), (faults, r)
    assert len(r.grep(r"^kern\| shard stack: restarted \(\d/2 in ")) == 2, r
    assert r.grep(r"^kern\| shard stack: halted \(restart limit 2 in .* reached\)$"), r
    ups = r.grep(r"^shard:stack\| up \(reason \d\), canary (\w+)$")
    assert len(ups) == 3 and all(m.group(1) == "intact" for m in ups), r
    assert r.shards()["stack"]["last_fault"].startswith("stack overflow at 0x"), r
