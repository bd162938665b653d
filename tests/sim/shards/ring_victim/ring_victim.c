/* ring_victim: the honest consumer of ring_evil (tests/sim/
 * test_sim_hostile_ring.py). Every message must carry the next sequence
 * number ("seq error: expected E got G" otherwise): nothing replayed,
 * nothing out of order. Its expectations live in persistent memory, so they
 * survive its own restart: once VICTIM_CRASH_AT messages are in it faults
 * on purpose, and its next life must open the ring (whose header ring_evil
 * scribbled) and go on at exactly the next sequence number. Logs its
 * channel end stopping ("stopped: ...") and being opened again after the
 * kernel re-formatted the ring ("reopened: ..."; a re-formatted ring starts
 * a new sequence, which it then follows). */
#include <stdbool.h>
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define VICTIM_CRASH_AT 1000u
#define VICTIM_LOG	5000u
#define MAGIC		0x56494354u /* "VICT" */

struct state {
	uint32_t magic, crashed;
	uint64_t expected, count;
	bool stopped; /* the end was stopped when last seen */
};

static struct state *st;

/* A deliberate fault the simulator's SIGSEGV handler sees (no sanitizer
 * check on the way). */
__attribute__((no_sanitize("address", "undefined"), noinline)) static void crash(void)
{
	static volatile uint32_t *volatile nowhere = (volatile uint32_t *)16; /* opaque to -Warray-bounds */

	*nowhere = 1;
}

void shard_init(enum tess_start_reason why)
{
	size_t size = 0;

	st = tess_persistent(&size);
	if (st->magic != MAGIC) {
		st->magic = MAGIC;
		st->crashed = 0;
		st->expected = st->count = 0;
		st->stopped = false;
	}
	tess_log("up (reason %d), count %llu, expecting seq %llu", why, (unsigned long long)st->count,
		 (unsigned long long)st->expected);
}

static void take(uint64_t seq)
{
	if (seq != st->expected)
		tess_log("seq error: expected %llu got %llu", (unsigned long long)st->expected,
			 (unsigned long long)seq);
	st->expected = seq + 1;
	if (++st->count % VICTIM_LOG == 0)
		tess_log("count=%llu last_seq=%llu", (unsigned long long)st->count, (unsigned long long)seq);
}

void shard_notified(tess_set_t set)
{
	struct tess_chan *in = tess_in(0);
	void *s[32];
	unsigned n;

	(void)set;
	if (st->count >= VICTIM_CRASH_AT && !st->crashed) {
		st->crashed = 1;
		tess_log("faulting on purpose at count %llu", (unsigned long long)st->count);
		crash();
	}
	for (unsigned b = 0; b < 8 && (n = tess_peek_burst(in, s, 32)) != 0; b++) {
		if (st->stopped && !tess_chan_stopped(in)) {
			st->stopped = false;
			tess_log("reopened: count %llu, first seq %llu", (unsigned long long)st->count,
				 (unsigned long long)*(uint64_t *)s[0]);
			st->expected = *(uint64_t *)s[0];
		}
		for (unsigned i = 0; i < n; i++)
			take(*(uint64_t *)s[i]);
		tess_release(in, n);
	}
	if (tess_chan_stopped(in) && !st->stopped) {
		st->stopped = true;
		tess_log("stopped: %u protocol error, count %llu, last seq %llu", tess_chan_errors(in),
			 (unsigned long long)st->count, (unsigned long long)st->expected - 1);
	}
}
