"""The UDP echo service on QEMU (issue 11): real Ethernet frames from the
host, through a virtio-net device (`--net`: QEMU's -netdev dgram), the
virtio_net driver shard, classify and echo (manifest/examples/
udp-echo-<arch>.yaml) and back, on every target arch.

One boot per arch (module fixture, console on a socket for `tessera
reload`) serves, in file order: 100 000 frames of 60..1514 bytes that all
come back once, in order, with valid checksums; malformed frames, each
counted by classify under its reason and never echoed; a hot reload of
classify while frames flow, losing and duplicating nothing; and, booted
again without force-legacy=false, a legacy (virtio 0.9) device, refused
with a log line. Own builds: a hostile stage (tests/qemu/shards/evil_peer)
forging descriptors on their way back to the driver, each counted and none
transmitted; and a driver that crashes mid-stream (config fault_after, a
test build), is restarted, resets and renegotiates the device and carries
on, its losses bounded by the frames in flight and counted.

The host side is `tessera traffic`'s engine (tessera/traffic): frames with
sequence numbers, at most WINDOW in flight, so the rate adapts to however
fast TCG runs here; counts, never times, are asserted. Counters come from
the console: a datagram to classify's stats_port makes every stage log
them as it passes (they are read before and after, as deltas)."""
import os
import re
import shutil
import socket
import subprocess
import sys
import threading

import pytest

from console_hub import ConsoleHub, free_port, socket_console_argv
from harness import ARCHES, Qemu, build
from tessera.backend import net as netdev
from tessera.backend import qemu as cmd_qemu
from tessera.traffic import frames
from tessera.traffic import run as engine

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EVIL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shards", "evil_peer")
EXAMPLE = os.path.join(ROOT, "manifest", "examples", "udp-echo-%s.yaml")
# The targets the example exists for (a port brings its driver backend,
# <tessera/dev_arch.h>, and its udp-echo-<arch>.yaml).
ECHO_ARCHES = [a for a in ARCHES if os.path.exists(EXAMPLE % a)]
TESSERA = os.path.join(ROOT, "tessera")
GUEST_MAC = "52:54:00:12:34:56"  # QEMU's first NIC; classify's config mac
GUEST_IP, HOST_IP, UDP_PORT, STATS_PORT = "10.0.0.2", "10.0.0.1", 7, 9  # the examples' classify config
WINDOW = 64  # frames in flight: a bound on what a restart can lose
RUN_DEADLINE = 300  # seconds: a safety net, never a pass/fail criterion of a working guest
SIZES = (60, 1514)
FRAMES = 100000
# Console lines of the counters (shards/drivers/virtio_net/main.c,
# shards/examples/classify, echo) after a query.
QUERY_DONE = r"shard:net0\| stats\(query\) bad_id="
CLEAN = {"lost": 0, "reordered": 0, "duplicated": 0, "corrupted": 0, "late": 0, "unexpected": 0}


def echo_copy(arch, tmp, name, net0_config=""):
    """The example for `arch` as `tmp`/m.yaml: its own name (its own build
    directory), sources where they are, more net0 config, and generous
    watchdogs: a loaded host can stall a vCPU for long, and a watchdog
    restart would muddle the exactly-once checks."""
    with open(EXAMPLE % arch) as f:
        text = f.read()
    text = text.replace("name: udp-echo-%s" % arch, "name: %s" % name)
    text = text.replace("../../shards/", os.path.join(ROOT, "shards") + "/")
    text = text.replace("  defaults:\n", "  defaults:\n    watchdog: {timeout: 5s, on_hang: restart}\n")
    text = text.replace("config: {queue_size: 256", "config: {queue_size: 256%s" % net0_config)
    assert name in text and "timeout: 5s" in text and net0_config in text
    manifest = os.path.join(tmp, "m.yaml")
    with open(manifest, "w") as f:
        f.write(text)
    return manifest


def with_evil_peer(manifest):
    """Put tests/qemu/shards/evil_peer between echo and net0."""
    with open(manifest) as f:
        text = f.read()
    edits = (("  - {from: echo, to: net0, slots: 512, slot_size: 64}\n",
              "  - {from: echo, to: evil, slots: 512, slot_size: 64}\n"
              "  - {from: evil, to: net0, slots: 512, slot_size: 64}\n"),
             ("channels:\n", "  evil:\n    source: %s\n    cores: [3]\n    memory: 64K\nchannels:\n" % EVIL),
             ("access: {net0: rw, classify: rw, echo: rw}", "access: {net0: rw, classify: rw, echo: rw, evil: r}"))
    for a, b in edits:
        assert text.count(a) == 1, a
        text = text.replace(a, b)
    with open(manifest, "w") as f:
        f.write(text)


def udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Traffic:
    """The host end of the wire: runs of `tessera traffic`'s engine."""

    def __init__(self):
        self.guest, self.host = udp_port(), udp_port()
        self.wire = engine.Wire(("127.0.0.1", self.host), ("127.0.0.1", self.guest))
        self.runs = 0
        self.net = [netdev.parse("local=127.0.0.1:%d,remote=127.0.0.1:%d" % (self.guest, self.host))]

    def flow(self, port=UDP_PORT):
        return frames.Flow(src_mac=frames.mac("02:00:00:00:00:01", "mac"), dst_mac=frames.mac(GUEST_MAC, "mac"),
                           src_ip=frames.ipv4(HOST_IP, "ip"), dst_ip=frames.ipv4(GUEST_IP, "ip"),
                           src_port=40000, dst_port=port)

    def run(self, count, port=UDP_PORT, timeout=30.0, **opts):
        """Frames sized SIZES[0]..SIZES[1] in turn; the run's Result. The
        timeout only decides when a frame counts as lost; RUN_DEADLINE is
        the safety net of the whole run (a guest that echoes nothing any
        more would otherwise hold it for count / WINDOW timeouts)."""
        self.runs += 1
        o = engine.Options(count=count, sizes=SIZES, window=WINDOW, timeout=timeout, **opts)
        done = []
        t = threading.Thread(target=lambda: done.append(engine.run(self.wire, self.flow(port), o, self.runs)),
                             daemon=True)
        t.start()
        t.join(RUN_DEADLINE)
        assert done, "a run of %d frames did not end within %d s" % (count, RUN_DEADLINE)
        return done[0]

    def close(self):
        self.wire.close()


def figures(res):
    return {k: getattr(res, k) for k in ("sent", "received") + tuple(CLEAN)}


def clean(n):
    return dict(CLEAN, sent=n, received=n)


def counters(lines):
    """{shard: {counter: value}} from the last counters lines of each stage."""
    out = {}
    for ln in lines:
        m = re.match(r"shard:(\w+)\| (?:stats(?:\(\w+\))?|drops) (.*)$", ln)
        if m:
            out.setdefault(m.group(1), {}).update((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2)))
    return out


def query(system):
    """Every stage's counters now: one datagram to classify's stats_port."""
    start = len(system.lines)
    res = system.traffic.run(1, port=STATS_PORT)
    assert figures(res) == clean(1)
    system.wait_for(QUERY_DONE, start)
    with system.cv:
        return counters(system.lines[start:])


def delta(after, before):
    return {s: {k: v - before.get(s, {}).get(k, 0) for k, v in c.items()} for s, c in after.items()}


@pytest.fixture(scope="module", params=ECHO_ARCHES)
def system(request, tmp_path_factory):
    arch = request.param
    tmp = str(tmp_path_factory.mktemp("udp-echo-" + arch))
    name = "udp-echo-%s-%d" % (arch, os.getpid())
    manifest = echo_copy(arch, tmp, name)
    out = os.path.join(tmp, "out")
    built = build(manifest, arch, out)
    traffic = Traffic()
    port = free_port()
    qemu = subprocess.Popen(socket_console_argv(cmd_qemu.qemu_argv(built, net=traffic.net), port),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        hub = ConsoleHub(port)
        hub.arch, hub.manifest, hub.out, hub.built, hub.traffic = arch, manifest, out, built, traffic
        hub.wait_for(r"shard:net0\| virtio-net %s up \(first start\), 256-entry queues, 2048 buffers, "
                     r"interrupts$" % GUEST_MAC)
        hub.wait_for(r"shard:echo\| up ")
        yield hub
    finally:
        qemu.kill()
        qemu.wait()
        traffic.close()
        shutil.rmtree(built["build_dir"], ignore_errors=True)


def test_100k_frames_come_back_in_order(system):
    """ARP first (classify answers for its address), then 100 000 frames of
    every size from 60 to 1514 bytes: each echoed exactly once, in order,
    with the right addresses, ports and payload and valid IPv4 and UDP
    checksums (the engine's frames.check: anything else is `corrupted`)."""
    before = query(system)
    wire = system.traffic
    mac, _ = engine.resolve_mac(wire.wire, wire.flow(), 30.0)
    assert frames.mac_text(mac) == GUEST_MAC
    res = wire.run(FRAMES)
    assert figures(res) == clean(FRAMES)
    d = delta(query(system), before)
    # + the ARP request (its reply) and the query (its echo): the query
    # before is counted by net0 only on its way out
    assert (d["classify"]["udp"], d["classify"]["arp"], d["classify"]["stats"]) == (FRAMES, 1, 1)
    assert d["echo"]["echoed"] == FRAMES + 1
    assert (d["net0"]["rx"], d["net0"]["tx"]) == (FRAMES + 2, FRAMES + 2)
    for shard, names in (("net0", ("bad_id", "dup_id", "bad_len", "bad_idx", "bad_desc", "bad_owner", "resets",
                                   "lost", "freed")),
                         ("classify", ("short", "ethertype", "ihl", "iplen", "csum", "desc")),
                         ("echo", ("not_udp", "desc"))):
        assert {n: d[shard][n] for n in names} == {n: 0 for n in names}, shard


# tessera traffic's malformed kinds -> classify's drop counter for each.
MALFORMED = {"short": "short", "ethertype": "ethertype", "ihl": "ihl", "ip-length": "iplen",
             "ip-checksum": "csum", "not-udp": "proto", "port": "port"}


def test_malformed_frames_are_counted_and_dropped(system):
    """Three of each malformed kind among 3000 good frames: each dropped by
    classify under its reason and its buffer given back to net0; the good
    frames around them all echoed."""
    before = query(system)
    res = system.traffic.run(3000, malformed=3)
    assert res.malformed_sent == {k: 3 for k in MALFORMED}
    assert figures(res) == clean(3000)
    d = delta(query(system), before)
    assert {c: d["classify"][c] for c in MALFORMED.values()} == {c: 3 for c in MALFORMED.values()}
    assert d["net0"]["freed"] == 3 * len(MALFORMED)
    assert d["net0"]["rx"] == 3000 + 3 * len(MALFORMED) + 1


def test_reload_classify_while_frames_flow(system):
    """`tessera reload --shard classify` while runs of frames go on back to
    back: the new classify takes over the channels at a yield, and every
    frame of every run comes back exactly once, in order."""
    done = threading.Event()
    results = []

    def flow():
        while True:
            last = done.is_set()
            results.append((last, system.traffic.run(1000, rate=4000)))
            if last:
                return

    start = len(system.lines)
    t = threading.Thread(target=flow)
    t.start()
    try:
        r = subprocess.run([TESSERA, "reload", "--arch", system.arch, "--manifest", system.manifest, "--out",
                            system.out, "--port", system.url, "--shard", "classify", "--image-version", "2"],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    finally:
        during = len(results)
        done.set()
        t.join()
    assert r.returncode == 0, (r.stdout, r.stderr)
    # a slow host may have resent a frame of the transfer
    assert re.fullmatch(r"reload\| accepted: shard 'classify' now runs version 2( \(\d+ frames? resent\))?",
                        r.stdout.strip().splitlines()[-1]), r.stdout
    system.wait_for(r"kern\| reload: shard classify: version 1 stopped at a yield, version 2 installed$", start)
    system.wait_for(r"shard:classify\| up \(reason 2\)", start)
    assert during >= 1 and len(results) > during  # runs before the swap and after it
    assert [figures(res) for _, res in results] == [clean(1000)] * len(results)
    hit = system.grep(r"kern\| shard \w+: (restarted|halted|watchdog)")
    assert not hit, [m.string for m in hit]


def test_legacy_device_is_refused(system):
    """Without force-legacy=false QEMU's virtio-mmio speaks version 1: the
    driver says why it will not drive it, and idles (the same image, booted
    again beside the first)."""
    traffic = Traffic()
    try:
        with Qemu(system.built, net=traffic.net, extra=["-global", "virtio-mmio.force-legacy=true"]) as q:
            q.wait_line(r"shard:net0\| virtio-mmio: legacy device \(version 1\) refused: this driver speaks "
                        r"virtio 1\.x over virtio-mmio version 2 \(QEMU: -global virtio-mmio\.force-legacy=false\)$")
            q.wait_line(r"shard:net0\| virtio-net: not started; the shard idles$")
            q.wait_line(r"shard:echo\| up ")
            assert not q.matching(r"kern\| shard net0: (fault|restarted|halted)")
    finally:
        traffic.close()


def test_hostile_peer_cannot_make_the_driver_misuse_a_buffer(tmp_path):
    """A stage between echo and net0 forges every tenth descriptor (outside
    the packet region, a wrong tag, sent twice, inside a buffer's
    headroom): net0 counts each, transmits none of them (the duplicate
    once), and echoes every other frame."""
    arch = ECHO_ARCHES[0]
    manifest = echo_copy(arch, str(tmp_path), "udp-echo-evil-%d" % os.getpid())
    with_evil_peer(manifest)
    built = build(manifest, arch, str(tmp_path / "out"))
    traffic = Traffic()
    try:
        with Qemu(built, net=traffic.net) as q:
            q.wait_line(r"shard:evil\| up ")
            q.wait_line(r"shard:net0\| virtio-net %s up \(first start\)" % GUEST_MAC)
            res = traffic.run(1000, timeout=1.0)
            # every tenth forged, in turn: outside, tag, twice, headroom
            assert figures(res) == dict(clean(1000), received=1000 - 75, lost=75)
            start = len(q.lines)
            assert figures(traffic.run(1, port=STATS_PORT)) == clean(1)
            q.wait_line(QUERY_DONE)
            c = counters(q.lines[start:])
            assert c["evil"] == {"outside": 25, "tag": 25, "twice": 25, "headroom": 25}
            assert {k: c["net0"][k] for k in ("bad_desc", "bad_owner", "tx", "bad_id", "dup_id")} == {
                "bad_desc": 50, "bad_owner": 50, "tx": 1000 - 75, "bad_id": 0, "dup_id": 0}
            assert not q.matching(r"kern\| shard \w+: (fault|restarted|halted)")
    finally:
        traffic.close()
        shutil.rmtree(built["build_dir"], ignore_errors=True)


@pytest.mark.parametrize("arch", ECHO_ARCHES)
def test_driver_restart_mid_stream(arch, tmp_path):
    """net0 crashes once after 10 000 frames (config fault_after, a test
    build); on_fault restart: it resets the device (which stops its DMA),
    renegotiates, takes back the buffers the device held and keeps those
    out in the pipeline, which come back. Lost: at most the frames in
    flight, and the driver counts what it can know of them; nothing
    duplicated or reordered; then traffic is clean again."""
    manifest = echo_copy(arch, str(tmp_path), "udp-echo-restart-%s-%d" % (arch, os.getpid()),
                         ", fault_after: 10000")
    built = build(manifest, arch, str(tmp_path / "out"))
    traffic = Traffic()
    try:
        with Qemu(built, net=traffic.net) as q:
            q.wait_line(r"shard:net0\| virtio-net %s up \(first start\)" % GUEST_MAC)
            q.wait_line(r"shard:echo\| up ")
            res = traffic.run(30000, timeout=10.0)  # a frame is lost after 10 s: a restart takes far less
            q.wait_line(r"shard:net0\| fault injected after 10000 frames \(config fault_after\)$")
            q.wait_line(r"kern\| shard net0: fault write at 0x8 ")
            q.wait_line(r"shard:net0\| virtio-net %s up \(restart: device reset and renegotiated\), 256-entry "
                        r"queues, 2048 buffers, interrupts$" % GUEST_MAC)
            f = figures(res)
            assert f["sent"] == 30000 and f["received"] >= 30000 - WINDOW, f
            assert (f["reordered"], f["duplicated"], f["corrupted"], f["unexpected"]) == (0, 0, 0, 0), f
            assert figures(traffic.run(2000)) == clean(2000)
            assert len(q.matching(r"kern\| shard net0: fault ")) == 1
            # What the driver knows it lost (received and not passed on, as
            # the crashing step's frames; not yet sent): no more than the
            # host saw lost (a frame that reached a reset device is lost
            # unseen).
            start = len(q.lines)
            assert figures(traffic.run(1, port=STATS_PORT)) == clean(1)
            q.wait_line(QUERY_DONE)
            net0 = counters(q.lines[start:])["net0"]
            assert 1 <= net0["lost"] <= f["lost"], (net0, f)
            assert (net0["resets"], net0["bad_owner"], net0["bad_desc"]) == (0, 0, 0), net0
    finally:
        traffic.close()
        shutil.rmtree(built["build_dir"], ignore_errors=True)
