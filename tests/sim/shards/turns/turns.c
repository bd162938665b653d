/* turns: a polling test shard for tests/sim/test_sim_shared_core.py. Several
 * instances share one simulated core and one region. In every turn a shard
 * claims the region's owner word, makes a system call (which must not end its
 * turn), works a little, and checks that nobody else claimed the word
 * meanwhile; it also records the turn in a shared counter to measure how
 * many turns of other shards ran between two of its own (round robin over N
 * shards: exactly N - 1). */
#include <stdatomic.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define TURNS 1000u

struct board {
	_Atomic uint32_t owner; /* 1 + id of the shard inside its turn, 0: none */
	_Atomic uint32_t turns; /* turns recorded by all shards */
};

static struct board *board;
static uint32_t mine, last, overlaps, gap_min = ~0u, gap_max;

void shard_init(enum tess_start_reason why)
{
	for (unsigned i = 0; i < tess_self.nmaps; i++)
		if (tess_self.maps[i].kind == TESS_MAP_KIND_REGION)
			board = (struct board *)(uintptr_t)tess_self.maps[i].va;
	tess_log("up (reason %d)%s", why, board ? "" : ", no region!");
}

static void work(void)
{
	volatile uint32_t x = 0;

	for (unsigned i = 0; i < 20000; i++)
		x = x + i;
}

void shard_poll(void)
{
	uint32_t me = (uint32_t)tess_self.id + 1, other = 0, k;

	if (!board || mine == TURNS)
		return;
	if (!atomic_compare_exchange_strong(&board->owner, &other, me))
		overlaps++;
	(void)tess_time_ns();
	work();
	if (atomic_load(&board->owner) != me)
		overlaps++;
	atomic_store(&board->owner, 0);
	k = atomic_fetch_add(&board->turns, 1);
	if (mine++ > 0) {
		gap_min = k - last - 1 < gap_min ? k - last - 1 : gap_min;
		gap_max = k - last - 1 > gap_max ? k - last - 1 : gap_max;
	}
	last = k;
	if (mine == TURNS)
		tess_log("done turns=%u overlaps=%u gap=%u..%u", mine, overlaps, gap_min, gap_max);
}
