"""The UDP echo service in the simulator (issue 11): real Ethernet frames
from `tessera traffic` over the -netdev dgram framing, through the
simulator's virtio-net model (sim/dev/), the virtio_net driver shard,
classify and echo (manifest/examples/udp-echo.yaml) and back, with ASan
and UBSan in every process. At most WINDOW frames are in flight, so the
rate adapts to however fast the host runs and a restart's losses have a
bound; counts, never times, are asserted (a frame counts as lost only
seconds after it was sent, so a loaded host slows a run, never fails it).
Counters come from the console
(`--query`: a datagram to classify's stats_port makes every stage log
them) and from the simulator's end-of-run lines."""
import json
import subprocess

import pytest

from netrun import QUERY_DONE, STATS_PORT, UP, EchoSim, counters, device, echo_variant
from simrun import HARD_TIMEOUT, ROOT, TESSERA

WINDOW = 64
CLEAN = {"lost": 0, "reordered": 0, "duplicated": 0, "corrupted": 0, "late": 0, "unexpected": 0}
MALFORMED = ("short", "ethertype", "ihl", "ip-length", "ip-checksum", "not-udp", "port")
# classify's drop reasons for those kinds (shards/examples/classify)
REASON = {"short": "short", "ethertype": "ethertype", "ihl": "ihl", "ip-length": "iplen", "ip-checksum": "csum",
          "not-udp": "proto", "port": "port"}


def clean(f):
    return {k: f[k] for k in CLEAN}


def no_faults(run):
    for name, s in run.shards().items():
        assert (s["faults"], s["hangs"], s["restarts"]) == (0, 0, 0), (name, str(run))


def test_100k_frames_in_order_and_malformed_dropped(tmp_path):
    with EchoSim(echo_variant(tmp_path, "net-echo")) as sim:
        sim.wait_for(UP)
        f = sim.traffic("--count", "100000", "--size", "60-1514", "--rate", "20000", "--window", str(WINDOW),
                        "--timeout", "5", "--malformed", "3", "--arp", "--query", str(STATS_PORT))
        sim.wait_for(QUERY_DONE)
        run = sim.stop()
    assert (f["sent"], f["received"]) == (100000, 100000) and clean(f) == CLEAN, f
    assert f["malformed_sent"] == {k: 3 for k in MALFORMED} and f["query_answered"]
    assert f["arp"]["mac"] == "52:54:00:12:34:56"
    assert run.rc == 0 and "sim| stopped by SIGINT" in run.lines
    no_faults(run)
    drops = counters(run, "shard:classify| drops")
    assert {REASON[k]: drops[REASON[k]] for k in MALFORMED} == {REASON[k]: 3 for k in MALFORMED}, drops
    assert sum(drops.values()) == 3 * len(MALFORMED)
    c = counters(run, "shard:classify| stats")
    assert (c["udp"], c["stats"], c["arp"], c["rx"]) == (100000, 1, 1, 100000 + 1 + 1 + 3 * len(MALFORMED))
    net0 = counters(run, "shard:net0| stats(query)")
    assert net0["rx"] == c["rx"] and net0["tx"] == 100000 + 1  # the echoes and the ARP reply
    assert all(net0[k] == 0 for k in ("bad_id", "dup_id", "bad_len", "bad_idx", "bad_desc", "bad_owner", "resets"))
    d = device(run)
    # every frame reached the device, one more echo (the query's) left it
    assert (d["rx"], d["tx"]) == (c["rx"], 100000 + 2) and d["driver_errors"] == 0 and d["rx_toobig"] == 0


def test_driver_restart_renegotiates(tmp_path):
    """The driver crashes once after 20 000 received frames (config
    fault_after), is restarted, resets and renegotiates the device, and
    traffic carries on: lost at most the frames in flight, counted by the
    host and, as far as it can know them, by the driver; then clean again."""
    window = 32
    with EchoSim(echo_variant(tmp_path, "net-restart", "fault_after: 20000")) as sim:
        sim.wait_for(UP)
        f = sim.traffic("--count", "50000", "--window", str(window), "--timeout", "10")
        after = sim.traffic("--count", "5000", "--window", str(window), "--timeout", "10", "--query",
                            str(STATS_PORT))
        sim.wait_for(QUERY_DONE)
        run = sim.stop()
    assert (after["sent"], after["received"]) == (5000, 5000) and clean(after) == CLEAN, after
    net0 = counters(run, "shard:net0| stats(query)")
    # what the driver knows it lost (received and not passed on, not yet
    # sent): no more than the host saw lost (a frame that reached a reset
    # device is lost unseen)
    assert 1 <= net0["lost"] <= f["lost"] and (net0["bad_owner"], net0["bad_desc"]) == (0, 0), (net0, f)
    assert "shard:net0| fault injected after 20000 frames (config fault_after)" in run.lines, str(run)
    assert "kern| shard net0: restarted (1/3 in 10 s)" in run.lines
    assert run.grep(r"^shard:net0\| virtio-net 52:54:00:12:34:56 up \(restart: device reset and renegotiated\)")
    assert f["sent"] == 50000 and 0 <= f["lost"] <= window, f
    assert (f["duplicated"], f["corrupted"], f["unexpected"]) == (0, 0, 0)
    assert f["received"] >= 50000 - window
    s = run.shards()["net0"]
    assert (s["faults"], s["restarts"]) == (1, 1)
    assert (run.shards()["classify"]["faults"], run.shards()["echo"]["faults"]) == (0, 0)
    assert device(run)["driver_errors"] == 0


def test_reload_classify_under_traffic(tmp_path):
    """A hot reload of classify while frames flow: every frame that went
    into the pipeline comes back exactly once, in order."""
    manifest = echo_variant(tmp_path, "net-echo")
    with EchoSim(manifest, console_port=0) as sim:
        port = int(sim.wait_for(r"^sim\| console on tcp 127\.0\.0\.1:\d+$").rsplit(":", 1)[1])
        sim.wait_for(UP)
        traffic = subprocess.Popen([TESSERA, "traffic", "--json", "--guest", "127.0.0.1:%d" % sim.local, "--bind",
                                    "127.0.0.1:%d" % sim.remote, "--count", "100000", "--rate", "8000", "--window",
                                    str(WINDOW), "--timeout", "5", "--query", str(STATS_PORT)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sim.wait_for(r"^shard:classify\| up \(reason 0\)")
        r = subprocess.run([TESSERA, "reload", "--arch", "host", "--manifest", manifest, "--shard", "classify",
                            "--port", "socket://127.0.0.1:%d" % port], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=HARD_TIMEOUT)
        during = traffic.poll() is None
        out, err = traffic.communicate(timeout=HARD_TIMEOUT)
        sim.wait_for(QUERY_DONE)
        run = sim.stop()
    assert r.returncode == 0 and "reload| accepted: shard 'classify' now runs version" in r.stdout, r.stdout + r.stderr
    assert during, "the traffic ended before the reload did: nothing was tested"
    assert traffic.returncode == 0 and "Traceback" not in err, err
    f = json.loads(out)
    assert (f["sent"], f["received"]) == (100000, 100000) and clean(f) == CLEAN, f
    assert run.grep(r"^kern\| reload: 'classify' now runs version \d+$") and \
        "shard:classify| up (reason 2): 10.0.0.2 udp port 7, 2048 buffers" in run.lines
    no_faults(run)


EVERY = 16  # sim/devices.c's default


@pytest.mark.parametrize("kind", ["bad-id", "long-len", "reorder"])
def test_misbehaving_device(tmp_path, kind):
    """The device lies on every 16th completion; the driver counts each
    lie, drops what it must and goes on. The query frame is the last one
    received, so at that point the driver has seen every lie on the
    receive side ((N+1) // 16) and, transmit completions being reclaimed
    as they come, on the transmit side up to its N echoes (N // 16)."""
    n = {"bad-id": 3000, "long-len": 2000, "reorder": 3000}[kind]
    with EchoSim(echo_variant(tmp_path, "net-echo"), "--net-misbehave", kind) as sim:
        sim.wait_for(UP)
        # A frame counts as lost 3 s after it was sent: only what the
        # driver dropped, however loaded the host (long-len's lost frames
        # hold their window slot that long: a few seconds in all).
        f = sim.traffic("--count", str(n), "--window", "64", "--timeout", "3", "--query", str(STATS_PORT))
        sim.wait_for(QUERY_DONE)
        run = sim.stop()
    no_faults(run)
    assert f["query_answered"] and (f["duplicated"], f["corrupted"], f["reordered"], f["unexpected"]) == (0,) * 4, f
    net0 = counters(run, "shard:net0| stats(query)")
    d = device(run)
    assert (d["kind"], d["every"], d["driver_errors"]) == (kind, EVERY, 0)
    if kind == "bad-id":
        assert (d["injected_rx"], d["injected_tx"]) == ((n + 1) // EVERY, (n + 1) // EVERY)
        assert net0["bad_id"] == (n + 1) // EVERY + n // EVERY, net0
        assert f["lost"] == 0
    elif kind == "long-len":
        assert (n + 1) % EVERY  # the query itself is not one of the lies
        assert d["injected_rx"] == net0["bad_len"] == f["lost"] == (n + 1) // EVERY, (d, net0, f)
    else:  # legal: buffers completed out of ring order; the frames stay in order
        assert d["injected_rx"] > 0 and f["lost"] == 0
    others = {k: v for k, v in net0.items() if k in ("bad_id", "dup_id", "bad_len", "bad_idx", "bad_desc",
                                                    "bad_owner", "resets")}
    assert sum(others.values()) == {"bad-id": net0["bad_id"], "long-len": net0["bad_len"], "reorder": 0}[kind]


def test_legacy_device_refused(tmp_path):
    with EchoSim(echo_variant(tmp_path, "net-echo"), "--net-misbehave", "no-version-1") as sim:
        sim.wait_for(r"^shard:net0\| virtio-net: not started; the shard idles$")
        run = sim.stop()
    assert run.grep(r"^shard:net0\| virtio-net: device offers no VIRTIO_F_VERSION_1 \(features 0x[0-9a-f]+\): a "
                    r"legacy device, refused$"), str(run)
    no_faults(run)
    assert device(run)["rx"] == 0
