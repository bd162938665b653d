"""Hostile channel peers in the simulator (issue 10 item 2; <tessera/ring.h>
"Trust", kern/chan.c). tests/sim/manifests/hostile-ring.yaml:

* ring_evil scribbles its ring's header (magic, slots, slot_size), then
  publishes head + 2^31 for 100 ms. Its consumer ring_victim opens the ring
  with its own geometry (also after its own restart, which it provokes at
  count 1000: it goes on at exactly the next sequence number), stops at the
  bogus head (counted by the kernel, in the end table and by its runtime),
  delivers nothing more (no replay of stale slots, no burst of millions),
  and when ring_evil restarts the kernel re-formats the ring and ring_victim
  reopens it and follows the new sequence.
* ring_evilsink, consuming pktgen, holds a burst unreleased and publishes
  tail + 2^31: pktgen stops without overwriting the unreleased slots and
  without ever passing tail + slots; ring_evilsink's restart re-formats the
  ring and pktgen continues at exactly its next sequence number.

Every sequence number the honest ends see arrives once and in order."""
import os
import re

from simrun import MANIFESTS

MANIFEST = os.path.join(MANIFESTS, "hostile-ring.yaml")


def one(r, pattern):
    hits = r.grep(pattern)
    assert len(hits) == 1, (pattern, [m.string for m in hits], r)
    return hits[0]


def test_hostile_peers_stop_ends_not_pipelines(sim):
    r = sim(MANIFEST, "--duration", "3s")
    assert not r.grep(r"seq error"), r
    assert not r.grep(r"halted|panic|end disabled"), r

    # The header scribble costs nothing, not even across the consumer's
    # own restart: its next life goes on at exactly the next number.
    one(r, r"^shard:ring_evil\| up, scribbled the ring header$")
    crash = one(r, r"^shard:ring_victim\| faulting on purpose at count (\d+)$")
    n = int(crash.group(1))
    one(r, r"^shard:ring_victim\| up \(reason 1\), count %d, expecting seq %d$" % (n, n))

    # The bogus head stops the consumer end at once: the kernel's line, the
    # runtime's count, the last sequence number it delivered.
    pub = one(r, r"^shard:ring_evil\| published head (\d+) \+ 2\^31 after seq (\d+)$")
    head = int(pub.group(1))
    kern = one(r, r"^kern\| channel evil \(ring_evil -> ring_victim\): ring_victim stopped it: "
                  r"peer head (\d+), own tail (\d+), 64 slots$")
    assert int(kern.group(1)) == head + 2**31
    tail = int(kern.group(2))
    stop = one(r, r"^shard:ring_victim\| stopped: 1 protocol error, count (\d+), last seq (\d+)$")
    assert int(stop.group(2)) == tail - 1 and tail <= head
    # Nothing delivered while stopped (ring_evil went on committing into
    # the ring meanwhile); reopened after ring_evil's restart re-formatted it.
    i_stop = r.index(stop.string)
    one(r, r"^kern\| channel evil \(ring_evil -> ring_victim\): re-formatted \(ring_evil restarted\)$")
    reopen = one(r, r"^shard:ring_victim\| reopened: count (\d+), first seq 1000000$")
    assert reopen.group(1) == stop.group(1)
    assert not [ln for ln in r.lines[i_stop:r.index(reopen.string)] if ln.startswith("shard:ring_victim| count=")]
    # ...and the victim keeps counting the new sequence.
    after = [m for m in r.grep(r"^shard:ring_victim\| count=(\d+) last_seq=(\d+)$")
             if r.index(m.string) > r.index(reopen.string)]
    assert after and all(int(m.group(2)) >= 1000000 for m in after), r

    # The bogus tail stops the producer: unreleased slots intact, head never
    # past tail + slots; after the re-format it continues exactly where its
    # committed sequence ended.
    one(r, r"^kern\| channel feed \(gen -> ring_evilsink\): gen stopped it: peer tail \d+, own head \d+, 64 slots$")
    chk = one(r, r"^shard:ring_evilsink\| unread slots intact: (\d+) of (\d+), head (\d+), tail (\d+), "
                 r"seq at tail (\d+), head within tail \+ slots: yes$")
    held, h, t, seq_t = int(chk.group(2)), int(chk.group(3)), int(chk.group(4)), int(chk.group(5))
    assert held > 0 and chk.group(1) == chk.group(2)
    one(r, r"^kern\| channel feed \(gen -> ring_evilsink\): re-formatted \(ring_evilsink restarted\)$")
    first = one(r, r"^shard:ring_evilsink\| first seq after re-format: (\d+)$")
    assert int(first.group(1)) == seq_t + (h - t)

    # The end table: errors by end (producer/consumer) and re-formats.
    ch = r.channels()
    assert ch["evil"]["errors"] == (0, 1) and ch["evil"]["resets"] == 1, r
    assert ch["feed"]["errors"] == (1, 0) and ch["feed"]["resets"] == 1, r
    shards = r.shards()
    assert shards["ring_victim"]["restarts"] == 1 and shards["gen"]["restarts"] == 0, r
