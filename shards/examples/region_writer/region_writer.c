/* region_writer: a polling shard that publishes a new generation into the
 * shared region on every turn (seqlock: seq odd, words, seq even). */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/region.h"

#define LOG_EVERY 100000u

static struct region_rec *rec;

void shard_init(enum tess_start_reason why)
{
	rec = region_rec();
	tess_log("up (reason %d), region %s", why, rec ? "mapped" : "missing");
}

void shard_poll(void)
{
	uint32_t s;
	uint64_t gen;

	if (!rec)
		return;
	s = atomic_load_explicit(&rec->seq, memory_order_relaxed);
	gen = atomic_load_explicit(&rec->gen, memory_order_relaxed) + 1;
	atomic_store_explicit(&rec->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release); /* seq odd before the words */
	for (unsigned i = 0; i < REGION_WORDS; i++)
		atomic_store_explicit(&rec->word[i], gen, memory_order_relaxed);
	atomic_store_explicit(&rec->gen, gen, memory_order_relaxed);
	atomic_store_explicit(&rec->seq, s + 2, memory_order_release);
	if (gen % LOG_EVERY == 0)
		tess_log("gen=%llu", (unsigned long long)gen);
}
