"""The system-wide paths: a panic policy halts everything (exit 1, table
printed, no process left), and a shard that does not compile fails the build
with the compiler's output and no traceback."""
import os

from simrun import MANIFESTS, ROOT, leftover_processes, run_sim


def test_panic_halts_everything(sim):
    r = sim(os.path.join(MANIFESTS, "panic.yaml"), "--duration", "60s", expect_rc=1)
    fault = r.grep(r"^kern\| shard crash: fault SIGSEGV at 0x0 pc 0x[0-9a-f]+$")
    assert len(fault) == 1, r
    assert "kern| shard crash: panic: halting the system" in r.lines
    assert r.index("kern| shard crash: panic: halting the system") > r.index(fault[0].string)
    assert not any(line.startswith("sim| stopped") for line in r.lines)
    shards = r.shards()
    assert shards["crash"]["faults"] == 1 and shards["crash"]["restarts"] == 0
    assert set(shards) == {"ticker", "crash"}
    assert leftover_processes(os.path.join(ROOT, "build", "sim", "sim-panic")) == []


def test_build_failure_shows_compiler_output(sim):
    r = sim(os.path.join(MANIFESTS, "broken.yaml"), "--duration", "1s", expect_rc=1)
    assert "deliberately broken shard" in r.err
    assert "tessera: error: building the simulator failed (output above)" in r.err
    assert r.out == ""


def test_run_ends_when_every_shard_is_halted(sim):
    r = sim(os.path.join(MANIFESTS, "halted.yaml"), "--duration", "120s", "--trace", expect_rc=1)
    assert "kern| shard crash: halted" in r.lines and "kern| shard wild: halted" in r.lines, r
    assert "sim| stopped: every shard is halted" in r.lines
    assert {s["state"] for s in r.shards().values()} == {"halted"}
    # --trace: the kernel's trace ring follows the table.
    halts = [line for line in r.lines if line.startswith("kern| trace ") and " halt " in line]
    assert len(halts) == 2, r


def test_prebuilt_shard_is_refused(tmp_path):
    """A prebuilt target ELF cannot run hosted: one clear error, no build."""
    elf = tmp_path / "shard.elf"
    elf.write_bytes(b"\x7fELF" + bytes(60))
    manifest = tmp_path / "prebuilt.yaml"
    manifest.write_text(
        "tessera: 1\nname: sim-prebuilt\nboard: host\nkernel:\n  tick: 1ms\n  defaults: {memory: 128K, stack: 16K}\n"
        "shards:\n  blob:\n    source: shard.elf\n    cores: [0]\n"
    )
    r = run_sim(str(manifest), "--duration", "1s", expect_rc=1)
    assert r.err.splitlines()[-1] == (
        "tessera: error: shard 'blob' of %s is a prebuilt ELF (%s): the simulator builds every shard from its C "
        "sources as a host process, so it cannot run a target image" % (manifest, elf)
    ), r
    assert not os.path.exists(os.path.join(ROOT, "build", "sim", "sim-prebuilt"))
