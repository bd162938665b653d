"""Device register accesses in the simulator: a shard's <tessera/dev_arch.h>
accessors reach the host board's virtio-mmio transport through its mailbox
(sim/mmio.c), an empty transport reads as QEMU's do (DeviceID 0), `--net`
puts a network device behind it, and an access past the granted window is
the shard's fault at that address."""
import os

from simrun import MANIFESTS

PROBE = os.path.join(MANIFESTS, "mmio-probe.yaml")


def _fault_checked(r):
    m = r.grep(r"^shard:probe\| reading 0x([0-9a-f]+), past the window$")
    assert len(m) == 1, r
    va = m[0].group(1)
    assert r.grep(r"^kern\| shard probe: fault read at 0x%s pc 0x[0-9a-f]+$" % va), r
    assert "kern| shard probe: halted" in r.lines and "shard:probe| not reached" not in r.lines
    assert r.shards()["probe"]["faults"] == 1


def test_empty_transport(sim):
    r = sim(PROBE, "--duration", "60s", expect_rc=1)  # ends when the probe is halted
    assert "shard:probe| magic 0x74726976 version 2 device 0" in r.lines, r
    assert "shard:probe| mac 00:00:00:00:00:00 link 0" in r.lines
    assert "shard:probe| status 0" in r.lines  # no device: nothing to acknowledge
    _fault_checked(r)


def test_network_device(sim):
    r = sim(PROBE, "--duration", "60s", "--net", "local=127.0.0.1:47391,remote=127.0.0.1:47392,mac=02:00:00:aa:bb:cc",
            expect_rc=1)
    assert "sim| net virtio_mmio0: virtio-net at 0x10000000 irq 32, udp 127.0.0.1:47391 -> 127.0.0.1:47392" in r.lines
    assert "shard:probe| magic 0x74726976 version 2 device 1" in r.lines, r
    assert "shard:probe| mac 02:00:00:aa:bb:cc link 1" in r.lines
    assert "shard:probe| status 1" in r.lines
    assert r.grep(r"^sim\| net virtio_mmio0: rx 0 frames, tx 0 frames;")
    _fault_checked(r)


def last(err):
    """The error, after the warning every run prints for the probe's
    bus master (dma: unconfined)."""
    return err.strip().splitlines()[-1]


def test_net_option_errors(sim):
    r = sim(PROBE, "--net", "nosuch=local=127.0.0.1:1,remote=127.0.0.1:2", expect_rc=1)
    assert last(r.err) == ("tessera: error: --net: 'nosuch' is not a virtio-mmio transport granted to a shard of "
                             "sim-mmio-probe (granted: virtio_mmio0)")
    r = sim(PROBE, "--net", "local=127.0.0.1,remote=127.0.0.1:2", expect_rc=1)
    assert last(r.err) == "tessera: error: --net local: '127.0.0.1' is not HOST:PORT (e.g. 127.0.0.1:5555)"
    r = sim(PROBE, "--net", "local=127.0.0.1:1", expect_rc=1)
    assert last(r.err) == "tessera: error: --net local=127.0.0.1:1: remote=HOST:PORT is missing"
    r = sim(PROBE, "--net-misbehave", "bad-id", expect_rc=1)
    assert last(r.err) == "tessera: error: --net-misbehave needs a --net device"
