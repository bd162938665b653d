"""Hot reload on QEMU (issue 6; docs/reload.md), on aarch64 and riscv64 (and
any arch harness.ARCHES adds), the counterpart of
tests/reload/test_sim_reload.py.

One boot per arch (module fixture) of the packet pipeline (gen -> filter ->
sequence-checking rsink, console UART on a TCP socket) serves every test
below, in file order. Refusals first, each of which must leave the running
filter untouched and the pipeline counting with intact sequence numbers:
wrong signature, wrong manifest hash, an image larger than the shard's
memory, an unknown shard, and three transfers the host does not finish (END
early: refused as truncated; the host goes silent: abandoned at the
kernel's stall timeout; the host's ABORT). Then a filter that crashes in
its init (tests/reload/sim/filter_crash), rolled back with exact kern|
lines, the old filter forwarding again; then filter_v2 through a proxy
that corrupts one chunk (resent, accepted); gen, whose next sequence
number lives in persistent memory (accepted, the sequence continues); a
replay of the running filter version (refused). Last, the whole console: every sequence number exactly
once and in order, filter_v2's tag from one packet on.

The console socket has one client (QEMU accepts one), so the test runs a
small hub (console_hub.py): it reads the console into lines and relays the
bytes of one downstream client (`tessera reload --port socket://...`) both
ways. Packages, partial transfers and the corrupting proxy are
tests/reload/reload_host.py's, shared with the simulator's test. Waits are
for console lines, with the harness's deadline as a safety net; nothing is
timed."""
import os
import re
import secrets
import shutil
import subprocess
import sys

import pytest

from console_hub import ConsoleHub, free_port, pipeline_copy, socket_console_argv
from harness import ARCHES, build
from tessera.backend import qemu as cmd_qemu
from tessera.reload import package as rpk
from tessera.reload import source as reload_image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "reload"))
from reload_host import CorruptingProxy, partial_transfer, write_package  # noqa: E402

EXAMPLES = os.path.join(ROOT, "shards", "examples")
FILTER_CRASH = os.path.join(ROOT, "tests", "reload", "sim", "filter_crash")
TESSERA = os.path.join(ROOT, "tessera")
COUNT = r"shard:sink\| count=(\d+) last_seq=(\d+)$"
RSINK_LOG_EVERY = 50000  # tests/reload/sim/rsink


@pytest.fixture(scope="module", params=ARCHES)
def system(request, tmp_path_factory):
    arch = request.param
    tmp = str(tmp_path_factory.mktemp("reload-" + arch))
    # A name of this run's own: `tessera build` keeps its objects in
    # build/ARCH/NAME, which another engineer's run must not share.
    name = "reload-%s-%d" % (arch, os.getpid())
    manifest = pipeline_copy(arch, tmp, name)
    with open(manifest) as f:
        text = f.read()
    gen = "  gen:\n    source: gen\n    cores: [0]\n    memory: 256K\n"
    assert gen in text
    with open(manifest, "w") as f:  # gen's next sequence number outlives its reload
        f.write(text.replace(gen, gen + "    persistent: 4K\n"))
    # The filter versions to reload, copied now with the rest of the sources
    # (pipeline_copy): the tree may change while the run goes on.
    for src in (os.path.join(EXAMPLES, "filter_v2"), FILTER_CRASH):
        shutil.copytree(src, os.path.join(tmp, "next", os.path.basename(src)))
    out = os.path.join(tmp, "out")
    built = build(manifest, arch, out)
    port = free_port()
    qemu = subprocess.Popen(socket_console_argv(cmd_qemu.qemu_argv(built), port), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        hub = ConsoleHub(port)
        hub.arch, hub.manifest, hub.out, hub.tmp, hub.built = arch, manifest, out, tmp, built
        hub.layout = reload_image.read_layout(os.path.join(out, "layout.json"))
        hub.key = rpk.load_key(os.path.join(out, "%s.key" % name))
        hub.wait_for(COUNT)
        yield hub
    finally:
        qemu.kill()
        qemu.wait()
        shutil.rmtree(built["build_dir"], ignore_errors=True)


def reload(system, *args, url=None):
    """`tessera reload` with its default timeouts: a resend (a slow host) is
    allowed anywhere; an ACK timeout above the kernel's 3 s stall timeout
    would turn one missing ACK into an abandoned transfer."""
    cmd = [TESSERA, "reload", "--arch", system.arch, "--manifest", system.manifest, "--out", system.out,
           "--port", url or system.url] + list(args)
    start = len(system.lines)
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    console = "\n".join(ln for ln in system.lines[start:] if "count=" not in ln)
    # rc, stdout, stderr, and the console meanwhile (for assertion messages)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace"), console


def use_filter_source(system, name):
    """Replace the filter's source in the copy the manifest points at with
    the fixture's copy of filter_v2 or filter_crash."""
    shutil.rmtree(os.path.join(system.tmp, "filter"))
    shutil.copytree(os.path.join(system.tmp, "next", name), os.path.join(system.tmp, "filter"))


def since(system, start, pattern):
    with system.cv:
        return [m for m in map(re.compile(pattern).search, system.lines[start:]) if m]


def intact(system, start):
    """The pipeline counts on after console line `start` (a new count line)
    and every sequence number so far arrived once, in order."""
    system.still_counting()
    bad = system.grep(r"seq error|untagged after tagged")
    assert not bad, [m.string for m in bad]
    counts = system.grep(COUNT)
    assert [(int(m.group(1)), int(m.group(2))) for m in counts] == [
        (RSINK_LOG_EVERY * (i + 1), RSINK_LOG_EVERY * (i + 1) - 1) for i in range(len(counts))]
    assert since(system, start, COUNT)
    # No shard was restarted or halted, by its policy or a watchdog.
    hit = system.grep(r"kern\| shard \w+: (restarted|halted|watchdog)")
    assert not hit, [m.string for m in hit]


def untouched(system, start):
    """Nothing was installed since console line `start`: the running filter
    is the one that was there, and it still forwards."""
    assert not since(system, start, r"kern\| reload: shard "), system.lines[start:]
    assert not since(system, start, r"shard:\w+\| (v2 )?up "), system.lines[start:]  # nothing (re)started
    intact(system, start)


def refused(system, tmp_path, reason, shard="filter", **pkg):
    start = len(system.lines)
    key = pkg.pop("key", system.key)
    path = write_package(tmp_path, system.layout, key, name=shard, **pkg)
    rc, out, err, con = reload(system, "--shard", shard, path)
    assert rc == 3, (rc, out, err, con)
    assert err.strip().splitlines()[-1] == "reload| refused: %s" % reason
    system.wait_for(r"kern\| reload: refused '%s': %s$" % (re.escape(shard), re.escape(reason)), start)
    untouched(system, start)


def test_refused_bad_signature(system, tmp_path):
    refused(system, tmp_path, "bad signature", key=secrets.token_bytes(32))


def test_refused_manifest_hash(system, tmp_path):
    refused(system, tmp_path, "manifest hash mismatch", mhash=bytes(32))


def test_refused_too_large(system, tmp_path):
    """Refused at BEGIN from the announced size: the image is never sent."""
    size = system.layout["shards"]["filter"]["mem_size"]
    refused(system, tmp_path, "image too large (%d > %d bytes)" % (size + 1, size), payload=bytes(size + 1))


def test_refused_unknown_shard(system, tmp_path):
    refused(system, tmp_path, "unknown shard 'nosuch'", shard="nosuch")


def _package(system, tmp_path):
    with open(write_package(tmp_path, system.layout, system.key), "rb") as f:
        return f.read()


def test_truncated_transfer_refused(system, tmp_path):
    """The host sends half the package, then END."""
    start = len(system.lines)
    out = partial_transfer(system.url, _package(system, tmp_path), "filter", "end")
    assert (out.accepted, out.reason) == (False, "truncated")
    system.wait_for(r"kern\| reload: refused 'filter': truncated$", start)
    untouched(system, start)


def test_stalled_transfer_abandoned(system, tmp_path):
    """The host goes silent half way: the kernel drops the transfer after
    RELOAD_STALL_NS of silence."""
    start = len(system.lines)
    assert partial_transfer(system.url, _package(system, tmp_path), "filter", "stop") is None
    system.wait_for(r"kern\| reload: receiving 'filter' \(\d+ bytes\)$", start)
    system.wait_for(r"kern\| reload: abandoned \(stalled\)$", start)
    untouched(system, start)


def test_aborted_transfer_abandoned(system, tmp_path):
    start = len(system.lines)
    assert partial_transfer(system.url, _package(system, tmp_path), "filter", "abort") is None
    system.wait_for(r"kern\| reload: abandoned 'filter' \(host gave up\)$", start)
    untouched(system, start)


def test_crash_in_init_is_rolled_back(system):
    use_filter_source(system, "filter_crash")
    start = len(system.lines)
    rc, out, err, con = reload(system, "--shard", "filter", "--image-version", "2")
    assert rc == 3, (rc, out, err, con)
    assert err.strip().splitlines()[-1] == "reload| refused: rolled back (fault in init)"
    verdict = r"kern\| reload: refused 'filter': rolled back \(fault in init\)$"
    system.wait_for(verdict, start)
    with system.cv:
        lines = system.lines[start:]
    end = next(i for i, ln in enumerate(lines) if re.search(verdict, ln)) + 1
    kern = [ln[ln.index("kern| "):] for ln in lines[:end] if re.search(r"kern\| (reload|shard filter)", ln)]
    # From the last BEGIN on (a slow host may resend BEGIN: a new transfer).
    kern = kern[max(i for i, k in enumerate(kern) if "reload: receiving 'filter'" in k):]
    want = [r"kern\| reload: receiving 'filter' \(\d+ bytes\)",
            r"kern\| reload: verified 'filter' version 2 \(\d+ bytes\), handing it to the swap",
            r"kern\| reload: shard filter: version 1 stopped at a yield, version 2 installed",
            r"kern\| shard filter: fault write at 0x10 pc 0x[0-9a-f]+",
            r"kern\| reload: shard filter: version 2: fault in init, rolled back to version 1",
            verdict[:-1]]
    assert len(kern) == len(want) and all(re.fullmatch(w, k) for w, k in zip(want, kern)), "\n".join(kern)
    shard = [ln for ln in lines if ln.startswith("shard:filter| ")]
    assert shard[:2] == ["shard:filter| crashing version up (reason 2)", "shard:filter| up (reason 1)"], shard
    # The old image (reason 1: restarted) forwards again: counts go on, untagged.
    intact(system, len(system.lines))
    assert not system.grep(r"first tagged packet")
    assert len(system.grep(r"kern\| reload: shard filter: version \d+ stopped at a yield")) == 1


def test_filter_v2_through_a_corrupted_chunk(system):
    """filter_v2 (tags every packet) through a proxy that flips one byte of
    a DATA frame: the kernel NAKs it, the host resends it, accepted (the
    payload's SHA-256 and the MAC prove the damaged frame was not taken).
    A slow host may resend other frames too, so the count is at least 1."""
    use_filter_source(system, "filter_v2")
    start = len(system.lines)
    proxy = CorruptingProxy(system.url, at=4000)
    rc, out, err, con = reload(system, "--shard", "filter", "--image-version", "3", url=proxy.url)
    assert proxy.flipped
    assert rc == 0, (rc, out, err, con)
    last = out.strip().splitlines()[-1]
    m = re.fullmatch(r"reload\| accepted: shard 'filter' now runs version 3 \((\d+) frames? resent\)", last)
    assert m and int(m.group(1)) >= 1, (last, con)
    system.wait_for(r"kern\| reload: shard filter: version 1 stopped at a yield, version 3 installed$", start)
    system.wait_for(r"shard:filter\| v2 up \(reason 2, version 3\)$", start)
    system.wait_for(r"kern\| reload: shard filter: version 3 running$", start)
    system.wait_for(r"kern\| reload: 'filter' now runs version 3$", start)
    tagged = system.wait_for(r"shard:sink\| first tagged packet: seq (\d+)$", start)
    assert int(tagged.group(1)) > 0
    intact(system, len(system.lines))


def test_producer_reload_keeps_persistent_memory(system):
    """gen keeps its next sequence number in persistent memory: reloaded
    (same source, a new version id) it continues the sequence exactly."""
    start = len(system.lines)
    rc, out, err, con = reload(system, "--shard", "gen", "--image-version", "4")
    assert rc == 0, (rc, out, err, con)
    assert out.strip().splitlines()[-1] == "reload| accepted: shard 'gen' now runs version 4"
    system.wait_for(r"kern\| reload: shard gen: version 1 stopped at a yield, version 4 installed$", start)
    m = system.wait_for(r"shard:gen\| up \(reason 2\), next seq (\d+)$", start)
    assert int(m.group(1)) > 0
    system.wait_for(r"kern\| reload: shard gen: version 4 running$", start)
    intact(system, len(system.lines))


def test_refused_not_newer(system, tmp_path):
    """A replayed (signed, valid) package of the running version: refused
    before any swap."""
    refused(system, tmp_path, "version 3 is not newer than the running version 3", version=3)


def test_every_message_exactly_once(system):
    """The whole run: every sequence number once and in order (count=N
    last_seq=N-1 throughout), the tag from one packet on, two swaps."""
    intact(system, len(system.lines))
    tagged = system.grep(r"shard:sink\| first tagged packet: seq (\d+)$")
    assert len(tagged) == 1 and int(tagged[0].group(1)) > 0
    assert len(system.grep(r"kern\| reload: shard filter: version \d+ stopped at a yield")) == 2
    down = system.grep(r"kern\| reload: shard filter: downtime (\d+) ns ")
    assert len(down) == 1  # the accepted version's; the crashing one never got that far
    assert len(system.grep(r"kern\| shard \w+: fault ")) == 1  # the crashing filter's
    assert not system.grep(r"panic")
    print("\n%s reload downtime: %s ns" % (system.arch, down[0].group(1)))
