/* region_reader: a polling shard that reads the shared region with the
 * seqlock protocol and checks every snapshot is consistent (all words equal
 * to gen). Reports "torn read" if one ever is not. */
#include <stdbool.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/region.h"

#define LOG_EVERY 100000u

static struct region_rec *rec;
static uint64_t reads, torn;

void shard_init(enum tess_start_reason why)
{
	rec = region_rec();
	tess_log("up (reason %d), region %s", why, rec ? "mapped" : "missing");
}

/* One snapshot; false if the writer was in the middle of an update. */
static bool snapshot(uint64_t *gen, bool *consistent)
{
	uint32_t s1 = atomic_load_explicit(&rec->seq, memory_order_acquire);
	uint32_t s2;

	if (s1 & 1)
		return false;
	*gen = atomic_load_explicit(&rec->gen, memory_order_relaxed);
	*consistent = true;
	for (unsigned i = 0; i < REGION_WORDS; i++)
		if (atomic_load_explicit(&rec->word[i], memory_order_relaxed) != *gen)
			*consistent = false;
	atomic_thread_fence(memory_order_acquire); /* words before the re-check */
	s2 = atomic_load_explicit(&rec->seq, memory_order_relaxed);
	return s1 == s2;
}

void shard_poll(void)
{
	uint64_t gen;
	bool ok;

	if (!rec || !snapshot(&gen, &ok))
		return;
	if (!ok && torn++ == 0)
		tess_log("torn read at gen=%llu", (unsigned long long)gen);
	if (++reads % LOG_EVERY == 0)
		tess_log("reads=%llu gen=%llu torn=%llu", (unsigned long long)reads, (unsigned long long)gen,
			 (unsigned long long)torn);
}
