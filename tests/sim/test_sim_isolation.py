"""A hostile simulated shard is refused or killed, as a target's MMU would
(issue 10 items 8 and 9; docs/simulator.md "Isolation"), with and without
the sanitizers (they need system calls of their own). manifests/
hostile-sim.yaml: `intruder` (tests/sim/shards/intruder) tries, stage by
stage, what a shard must not do in the simulator, next to a sequence-checked
pktgen -> sink pipeline:

* before main() (a constructor, before any filter of the shard's own):
  /proc/<simulator>/fd/N and /proc/<simulator>/mem (the RAM file and
  every shared object: refused, the simulator is not dumpable and the shard
  has no capabilities) and, when the simulator runs as root, the device
  key (refused: the shard runs as nobody);
* confined: open, socket, fork, mmap of a descriptor it no longer has,
  making its read-only region writable: all refused; writing that region
  faults; ptrace, process_vm_readv, kill of the simulator or of the process
  group: killed (SIGSYS, "signal 31"). Each fault restarts it (its policy).

The simulator and the pipeline run on untouched. `forger` tries to forge
kernel lines with control characters (item 9): each arrives as one line
with its prefix and `?` for the control bytes."""
import os

import pytest

from simrun import MANIFESTS

MANIFEST = os.path.join(MANIFESTS, "hostile-sim.yaml")


@pytest.mark.parametrize("sanitize", [True, False], ids=["sanitized", "plain"])
def test_hostile_shard_refused_or_killed(sim, sanitize):
    # Ends once 3 million messages reached the sink: long after the
    # intruder's five short lives, while the pipeline keeps going.
    r = sim(MANIFEST, "--messages", "3000000", sanitize=sanitize)
    assert "sim| stopped: 3000000 messages reached the sinks" in r.lines, r
    intr = [ln for ln in r.lines if ln.startswith("shard:intruder| ")]
    key = "13" if os.geteuid() == 0 else r"\d+"  # nobody cannot read root's key; a user's own shard can
    early = r.grep(r"^shard:intruder\| before main: /proc/ppid/fd opened 0 \(errno 13\), /proc/ppid/mem errno 13, "
                   r"key errno (%s)$" % key)
    assert len(early) == 1, intr
    assert ("shard:intruder| confined: open /proc/ppid/fd/3 errno 13, open /proc/self/maps errno 13, socket errno 13, "
            "fork errno 1, mmap fd 3 errno 9, mprotect read-only region errno 13") in intr, intr
    assert not r.grep(r"still here after stage"), intr
    kern = [ln for ln in r.lines if ln.startswith("kern| shard intruder: ") and "started on core" not in ln]
    assert kern[0].startswith("kern| shard intruder: fault SIGSEGV at 0x"), kern
    assert kern[1:] == ["kern| shard intruder: restarted (1/6 in 60 s)",
                        "kern| shard intruder: fault signal 31 at 0x0 pc 0x0",
                        "kern| shard intruder: restarted (2/6 in 60 s)",
                        "kern| shard intruder: fault signal 31 at 0x0 pc 0x0",
                        "kern| shard intruder: restarted (3/6 in 60 s)",
                        "kern| shard intruder: fault signal 31 at 0x0 pc 0x0",
                        "kern| shard intruder: restarted (4/6 in 60 s)",
                        "kern| shard intruder: fault signal 31 at 0x0 pc 0x0",
                        "kern| shard intruder: restarted (5/6 in 60 s)"], kern
    assert intr[-1] == "shard:intruder| done", intr
    # The attempts came in order, one per life.
    assert [ln for ln in intr if not ln.startswith(("shard:intruder| up ", "shard:intruder| before",
                                                    "shard:intruder| confined"))] == [
        "shard:intruder| writing the read-only region", "shard:intruder| ptrace attach",
        "shard:intruder| process_vm_readv", "shard:intruder| kill the simulator",
        "shard:intruder| kill the process group", "shard:intruder| done"], intr

    # The pipeline next to it never noticed.
    assert not r.grep(r"seq gap"), r
    shards = r.shards()
    assert (shards["gen"]["restarts"], shards["sink"]["restarts"]) == (0, 0)
    assert shards["intruder"]["restarts"] == 5 and shards["intruder"]["faults"] == 5
    console_not_forged(r)


def console_not_forged(r):
    forger = [ln for ln in r.lines if ln.startswith("shard:forger| ")]
    assert forger == ["shard:forger| ?kern| shard tight: halted",
                      "shard:forger| ?[2K?[1Gkern| reload: 'tight' now runs version 666",
                      "shard:forger| ab??????????kern| forged by backspace",
                      "shard:forger| ??kern| forged by form feed",
                      "shard:forger| done (reason 0)"], forger
    # Python splits lines at \r, \v and \f too: none of them got through.
    forged = [ln for ln in r.out.splitlines() if ln.startswith(("kern| shard tight", "kern| reload: 'tight'",
                                                                "kern| forged"))]
    assert not forged, forged
