/* lane_sink: the end of a fan-in ({from: worker, to: sink, lanes: all}):
 * consumes every input ring, one per lane of the worker, and checks each
 * stream on its own: sequence numbers go up by one from 0 (a gap or a
 * repeat is reported), as fan_gen numbers them per lane. Logs
 * "count=<n>" every LOG_EVERY packets (config, default 100000) and, at
 * TOTAL (config), each input's count and last sequence number. */
#include <stdbool.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

#define MAX_IN TESS_MAX_LANES

#ifndef TESS_CFG_TOTAL
#define TESS_CFG_TOTAL 0
#endif
#ifndef TESS_CFG_LOG_EVERY
#define TESS_CFG_LOG_EVERY 100000
#endif
_Static_assert(TESS_CFG_LOG_EVERY > 0, "LOG_EVERY: packets between count lines");

static uint64_t count, expected[MAX_IN], got[MAX_IN], gaps;
static const uint64_t total = TESS_CFG_TOTAL;
static unsigned cur;

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)", why);
}

static void check(const struct pkt *p)
{
	if (p->seq != expected[cur]) {
		gaps++;
		tess_log("in %u: seq gap: expected %llu got %llu", cur, (unsigned long long)expected[cur],
			 (unsigned long long)p->seq);
	}
	expected[cur] = p->seq + 1;
	got[cur]++;
	if (++count % TESS_CFG_LOG_EVERY == 0)
		tess_log("count=%llu", (unsigned long long)count);
	if (count == total) {
		for (unsigned i = 0; i < MAX_IN && tess_in(i); i++)
			tess_log("in %u: %llu packets, last seq %llu", i, (unsigned long long)got[i],
				 (unsigned long long)expected[i] - 1);
		tess_log("done: %llu packets, %llu gaps", (unsigned long long)count,
			 (unsigned long long)gaps);
	}
}

void shard_notified(tess_set_t set)
{
	(void)set;
	for (cur = 0; cur < MAX_IN && tess_in(cur); cur++)
		pkt_consume(tess_in(cur), check);
}
