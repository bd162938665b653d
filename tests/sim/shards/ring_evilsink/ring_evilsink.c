/* ring_evilsink: a hostile consumer of pktgen (tests/sim/
 * test_sim_hostile_ring.py, issue 10 item 2). The producer must neither
 * overwrite the slots this shard has not released nor stop producing for
 * good.
 *  - First life: consumes in order (polling) until EVILSINK_AT packets;
 *    then peeks a burst and keeps it unreleased, publishes tail + 2^31,
 *    waits EVILSINK_HOLD_NS, and checks that the unreleased slots still
 *    hold what it peeked and that the producer's head never passed tail +
 *    slots ("unread slots intact: K of N, head H, tail T, seq at tail S");
 *    then faults on purpose, so the kernel re-formats the ring.
 *  - Next lives: consume in order, logging the first sequence number after
 *    the re-format ("first seq after re-format: S"). */
#include <stdint.h>
#include <tessera/ring.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define BURST 32 /* pktgen's packets carry their u64 sequence number first */

#define EVILSINK_AT	 3000u
#define EVILSINK_HOLD_NS 200000000ull /* 200 ms */

static struct tess_ring_shm *ring;
static uint64_t count, expected, held_at, held_seq[BURST];
static unsigned held;
static uint32_t tail;
static int first_life, synced;

/* A deliberate fault the simulator's SIGSEGV handler sees (no sanitizer
 * check on the way). */
__attribute__((no_sanitize("address", "undefined"), noinline)) static void crash(void)
{
	static volatile uint32_t *volatile nowhere = (volatile uint32_t *)16; /* opaque to -Warray-bounds */

	*nowhere = 1;
}

void shard_init(enum tess_start_reason why)
{
	ring = (struct tess_ring_shm *)(uintptr_t)tess_self.ends[TESS_CH_FEED].va;
	first_life = why == TESS_START_FIRST;
	synced = first_life;
	tess_log("up (reason %d)", why);
}

static void consume(struct tess_chan *in)
{
	void *s[BURST];
	unsigned n = tess_peek_burst(in, s, BURST);

	for (unsigned i = 0; i < n; i++) {
		uint64_t seq = *(const uint64_t *)s[i];

		if (!synced)
			tess_log("first seq after re-format: %llu", (unsigned long long)seq);
		else if (seq != expected)
			tess_log("seq error: expected %llu got %llu", (unsigned long long)expected,
				 (unsigned long long)seq);
		synced = 1;
		expected = seq + 1;
		count++;
	}
	tess_release(in, n);
}

void shard_poll(void)
{
	struct tess_chan *in = tess_in(0);
	void *s[BURST];
	unsigned intact = 0;
	uint32_t head;

	if (!first_life || count < EVILSINK_AT) {
		consume(in);
		return;
	}
	if (!held_at) {
		held = tess_peek_burst(in, s, BURST);
		if (held == 0)
			return; /* wait for packets to hold */
		for (unsigned i = 0; i < held; i++)
			held_seq[i] = *(const uint64_t *)s[i];
		tail = atomic_load(&ring->tail);
		atomic_store(&ring->tail, tail + 0x80000000u);
		tess_log("published tail %u + 2^31 holding %u unreleased packets", tail, held);
		held_at = tess_time_ns();
		return;
	}
	if (tess_time_ns() - held_at < EVILSINK_HOLD_NS)
		return;
	held = tess_peek_burst(in, s, held); /* the same slots: the end still has them cached */
	for (unsigned i = 0; i < held; i++)
		intact += *(const uint64_t *)s[i] == held_seq[i];
	head = atomic_load(&ring->head);
	tess_log("unread slots intact: %u of %u, head %u, tail %u, seq at tail %llu, head within tail + "
		 "slots: %s",
		 intact, held, head, tail, (unsigned long long)held_seq[0],
		 head - tail <= tess_self.ends[TESS_CH_FEED].slots ? "yes" : "no");
	tess_log("faulting on purpose");
	crash();
}
