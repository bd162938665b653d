"""Hot reload end to end in the simulator (issue 6; docs/reload.md "Swap").

One simulator run (sanitized) of tests/reload/sim/reload-pipeline.yaml, with
sequence-checked traffic gen -> filter -> rsink, serves every test below in
file order: six refusals that must leave the pipeline running (the sixth: a
payload that does not start, refused by the prepare), a new filter
that crashes in init (rolled back), then filter_v2 (which tags packets)
through a proxy that corrupts one chunk (resent, accepted), gen (its
sequence number lives in persistent memory), then a replayed package of
the running version (refused); then exactly one process per shard must be
left (prepared processes taken, replaced ones reaped). Finally the
simulator is stopped and the sink's log must show every sequence number
exactly once, in order, and the tag from one packet on. Everything runs a
second time on reload-pipeline-shared-core.yaml, where the filter shares
its core with the polling gen.

Nothing here is timed: waits are for lines, with a generous safety net."""
import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time

import pytest

from reload_fixture import ROOT
from reload_host import CorruptingProxy, partial_transfer, write_package
from tessera.reload import package as rpk

TESSERA = os.path.join(ROOT, "tessera")
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(ROOT, "shards", "examples")
SAFETY = 300  # seconds; only a hung run ever waits this long
MEM_SIZE = 1 << 20  # filter's memory in reload-pipeline.yaml


class Sim:
    """The running simulator: its output lines, collected by threads."""

    def __init__(self, tmp, name, extra=()):
        self.tmp, self.build = tmp, os.path.join(ROOT, "build", "sim", name)
        self.key = os.path.join(self.build, "%s.key" % name)
        self.manifest = os.path.join(tmp, "m.yaml")
        self.lines, self.err = [], []
        self.cv = threading.Condition()
        self.proc = subprocess.Popen([TESSERA, "sim", "--sanitize", "--console-port", "0", self.manifest, *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        self.readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self.readers:
            t.start()
        m = self.wait_for(r"^sim\| console on tcp 127\.0\.0\.1:(\d+)$")
        self.url = "socket://127.0.0.1:%s" % m.group(1)

    def _read(self, stream, into):
        for raw in stream:
            with self.cv:
                into.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.cv.notify_all()

    def wait_for(self, pattern, start=0):
        rx = re.compile(pattern)
        deadline = time.monotonic() + SAFETY
        with self.cv:
            while True:
                for line in self.lines[start:]:
                    m = rx.search(line)
                    if m:
                        return m
                start = len(self.lines)
                if self.proc.poll() is not None and not any(t.is_alive() for t in self.readers):
                    raise AssertionError("simulator ended before %r:\n%s\n%s" % (
                        pattern, "\n".join(self.lines[-40:]), "\n".join(self.err[-40:])))
                assert time.monotonic() < deadline, "no %r in the simulator's output" % pattern
                self.cv.wait(1.0)

    def count(self):
        """The sink's latest count= figure."""
        with self.cv:
            counts = [int(m.group(1)) for m in map(re.compile(r"^shard:sink\| count=(\d+) ").search, self.lines)
                      if m]
        return counts[-1] if counts else 0

    def still_flowing(self):
        """The pipeline keeps moving: the sink logs a count beyond the last."""
        n = self.count()
        self.wait_for(r"^shard:sink\| count=(%s) " % "|".join(str(n + k * 50000) for k in range(1, 4)))

    def grep(self, pattern):
        with self.cv:
            return [m for m in map(re.compile(pattern).search, self.lines) if m]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(SAFETY)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for t in self.readers:
            t.join(10)


@pytest.fixture(scope="module", params=[("reload-pipeline.yaml", "reload-e2e"),
                                        ("reload-pipeline-shared-core.yaml", "reload-e2e-shared")],
                ids=["own-core", "shared-core"])
def sim(request, tmp_path_factory):
    manifest, name = request.param
    tmp = str(tmp_path_factory.mktemp(name))
    for src, dst in (("pktgen", "gen"), ("filter", "filter"), ("common", "common")):
        shutil.copytree(os.path.join(EXAMPLES, src), os.path.join(tmp, dst))
    shutil.copytree(os.path.join(HERE, "sim", "rsink"), os.path.join(tmp, "rsink"))
    shutil.copy(os.path.join(HERE, "sim", manifest), os.path.join(tmp, "m.yaml"))
    s = Sim(tmp, name)
    try:
        s.wait_for(r"^shard:sink\| count=50000 ")
        yield s
    finally:
        s.stop()


def use_filter_source(sim, src_dir):
    """Replace the filter's source in the copy the manifest points at."""
    fdir = os.path.join(sim.tmp, "filter")
    shutil.rmtree(fdir)
    shutil.copytree(src_dir, fdir)


def reload(sim, *args, url=None):
    cmd = [TESSERA, "reload", "--arch", "host", "--manifest", sim.manifest, "--port", url or sim.url] + list(args)
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=SAFETY)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def layout(sim):
    from tessera.reload import source as reload_image
    return reload_image.read_layout(os.path.join(sim.build, "gen", "layout.json"))


def package(sim, tmp, name="filter", k=None, **kw):
    return write_package(tmp, layout(sim), k if k is not None else rpk.load_key(sim.key), name=name, **kw)


def refused(sim, tmp_path, reason, shard="filter", **pkg):
    start = len(sim.lines)
    rc, out, err = reload(sim, "--shard", shard, package(sim, tmp_path, name=shard, **pkg))
    assert rc == 3, (rc, out, err)
    assert err.strip().splitlines()[-1] == "reload| refused: %s" % reason
    sim.wait_for(r"^kern\| reload: refused '%s': %s$" % (re.escape(shard), re.escape(reason)), start)
    sim.still_flowing()


def test_refused_bad_signature(sim, tmp_path):
    refused(sim, tmp_path, "bad signature", k=secrets.token_bytes(32))


def test_refused_manifest_hash(sim, tmp_path):
    refused(sim, tmp_path, "manifest hash mismatch", mhash=bytes(32))


def test_refused_too_large(sim, tmp_path):
    refused(sim, tmp_path, "image too large (%d > %d bytes)" % (MEM_SIZE + 1, MEM_SIZE),
            payload=bytes(MEM_SIZE + 1))


def test_refused_unknown_shard(sim, tmp_path):
    refused(sim, tmp_path, "unknown shard 'nosuch'", shard="nosuch")


def test_refused_truncated(sim, tmp_path):
    """The host sends half the package, then END."""
    with open(package(sim, tmp_path), "rb") as f:
        pkg = f.read()
    start = len(sim.lines)
    out = partial_transfer(sim.url, pkg, "filter", "end")
    assert (out.accepted, out.reason) == (False, "truncated")
    sim.wait_for(r"^kern\| reload: refused 'filter': truncated$", start)
    sim.still_flowing()


def test_refused_prepare_failed(sim, tmp_path):
    """A signed package whose payload does not start (an ELF header and
    zeros): the prepare (sim/reload.c) fails on the console thread, the
    swap is refused and the running filter is never stopped."""
    start = len(sim.lines)
    refused(sim, tmp_path, "prepare failed")
    sim.wait_for(r"^kern\| reload: shard filter: version 99: prepare failed, version 1 keeps running$", start)
    assert not sim.grep(r"^kern\| reload: shard filter: version 1 stopped at a yield")
    with sim.cv:
        assert any(re.match(r"^sim\| shard filter: process exited during start-up", x) for x in sim.err)


def test_crash_in_init_is_rolled_back(sim):
    use_filter_source(sim, os.path.join(HERE, "sim", "filter_crash"))
    start = len(sim.lines)
    rc, out, err = reload(sim, "--shard", "filter", "--image-version", "2")
    assert rc == 3, (rc, out, err)
    assert err.strip().splitlines()[-1] == "reload| refused: rolled back (fault in init)"
    sim.wait_for(r"^kern\| reload: shard filter: version 1 stopped at a yield, version 2 installed$", start)
    sim.wait_for(r"^shard:filter\| crashing version up \(reason 2\)$", start)
    sim.wait_for(r"^kern\| shard filter: fault SIGSEGV at 0x10 pc 0x[0-9a-f]+$", start)
    sim.wait_for(r"^kern\| reload: shard filter: version 2: fault in init, rolled back to version 1$", start)
    sim.wait_for(r"^shard:filter\| up \(reason 1\)$", start)  # the old image, restarted
    sim.still_flowing()


def test_filter_v2_through_a_corrupted_chunk(sim):
    use_filter_source(sim, os.path.join(EXAMPLES, "filter_v2"))
    start = len(sim.lines)
    proxy = CorruptingProxy(sim.url, at=20000)
    rc, out, err = reload(sim, "--shard", "filter", "--image-version", "3", url=proxy.url)
    assert proxy.flipped
    assert rc == 0, (rc, out, err)
    assert out.strip().splitlines()[-1] == "reload| accepted: shard 'filter' now runs version 3 (1 frame resent)"
    sim.wait_for(r"^kern\| reload: shard filter: version 1 stopped at a yield, version 3 installed$", start)
    sim.wait_for(r"^shard:filter\| v2 up \(reason 2, version 3\)$", start)
    sim.wait_for(r"^kern\| reload: shard filter: version 3 running$", start)
    sim.wait_for(r"^shard:sink\| first tagged packet: seq \d+$", start)
    sim.still_flowing()


def test_producer_reload_keeps_persistent_memory(sim):
    """gen keeps its next sequence number in persistent memory: reloaded
    (same source, a new version id) it continues the sequence exactly."""
    start = len(sim.lines)
    rc, out, err = reload(sim, "--shard", "gen", "--image-version", "4")
    assert rc == 0, (rc, out, err)
    assert out.strip().splitlines()[-1] == "reload| accepted: shard 'gen' now runs version 4"
    m = sim.wait_for(r"^shard:gen\| up \(reason 2\), next seq (\d+)$", start)
    assert int(m.group(1)) > 0
    sim.wait_for(r"^kern\| reload: shard gen: version 4 running$", start)
    sim.still_flowing()


def test_refused_not_newer(sim, tmp_path):
    """A replayed (signed, valid) package of a version not newer than the
    running one: refused by the kernel before any swap."""
    refused(sim, tmp_path, "version 3 is not newer than the running version 3", version=3)
    assert len(sim.grep(r"^kern\| reload: shard \w+: version \d+ stopped at a yield")) == 3


def children(pid):
    """The simulator's child processes: executable name, ' (zombie)' if dead."""
    kids = []
    for task in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, task)) as f:
            for c in f.read().split():
                try:
                    with open("/proc/%s/stat" % c) as st:
                        state = st.read().rsplit(")", 1)[1].split()[0]
                    with open("/proc/%s/cmdline" % c, "rb") as cl:
                        exe = os.path.basename(cl.read().split(b"\0")[0].decode(errors="replace"))
                except OSError:  # gone meanwhile
                    continue
                kids.append(exe + (" (zombie)" if state == "Z" else ""))
    return sorted(kids)


def test_no_process_left_behind(sim):
    """Every swap started its new process ahead (plat_shard_prepare) and the
    install took it; the replaced processes are killed and reaped off the
    core: one live process per shard remains, nothing prepared, no zombie."""
    deadline = time.monotonic() + SAFETY
    while children(sim.proc.pid) != ["shard_filter", "shard_gen", "shard_sink"]:
        assert time.monotonic() < deadline, children(sim.proc.pid)
        time.sleep(0.1)


def test_every_message_exactly_once(sim):
    sim.still_flowing()
    sim.stop()
    text = "\n".join(sim.lines + sim.err)
    for bad in ("ERROR: AddressSanitizer", "runtime error:", "seq error", "untagged after tagged"):
        assert bad not in text, text[-4000:]
    tagged = sim.grep(r"^shard:sink\| first tagged packet: seq (\d+)$")
    assert len(tagged) == 1 and int(tagged[0].group(1)) > 0
    # count=N last_seq=N-1 throughout: nothing lost, nothing twice.
    counts = sim.grep(r"^shard:sink\| count=(\d+) last_seq=(\d+)$")
    assert counts and all(int(m.group(2)) == int(m.group(1)) - 1 for m in counts)
    assert [int(m.group(1)) for m in counts] == [50000 * (i + 1) for i in range(len(counts))]
    downs = sim.grep(r"^kern\| reload: shard filter: downtime (\d+) ns ")
    assert len(downs) == 1  # the accepted version's (the crashed one never got that far)
    print("\nsim reload downtime (%s): %s ns" % (os.path.basename(sim.build), downs[0].group(1)))
    assert sim.grep(r"^sim\| stopped by SIGINT$")
    # The co-located gen (shared-core run) never stalled into its watchdog.
    assert not sim.grep(r"^kern\| shard (gen|sink): (watchdog|fault|restarted|halted)")
    # The end table has one line per install and other shard of its core
    # (bench/sim_stall.c): the crashing filter, filter_v2, gen.
    swaps = [m.groups() for m in sim.grep(r"^sim\| swap of (\w+) \(core (\d+), install [\d.]+ us\): (\w+) waited "
                                          r"[\d.]+ us across it")]
    shared = os.path.basename(sim.build) == "reload-e2e-shared"
    assert swaps == ([("filter", "0", "gen"), ("filter", "0", "gen"), ("gen", "0", "filter")] if shared else [])
