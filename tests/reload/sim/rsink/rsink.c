/* rsink: the reload tests' sink. Every packet of tess_in(0) must carry the
 * next sequence number (from 0: exactly once, in order); any other is
 * logged as "seq error: expected E got G". Logs "first tagged packet: seq S"
 * when the first packet tagged by filter_v2 (0x100) arrives, and "untagged
 * after tagged: seq S" should an untagged one follow it. "count=N
 * last_seq=S" every RSINK_LOG_EVERY packets. */
#include <stdbool.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h" /* the test copies shards/examples/common next to it */

#define RSINK_LOG_EVERY 50000u

static uint64_t count, expected;
static bool tagged;

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)", why);
}

static void check(const struct pkt *p)
{
	if (p->seq != expected)
		tess_log("seq error: expected %llu got %llu", (unsigned long long)expected,
			 (unsigned long long)p->seq);
	expected = p->seq + 1;
	if ((p->flags & FILTER_V2_TAG) && !tagged) {
		tagged = true;
		tess_log("first tagged packet: seq %llu", (unsigned long long)p->seq);
	} else if (!(p->flags & FILTER_V2_TAG) && tagged) {
		tess_log("untagged after tagged: seq %llu", (unsigned long long)p->seq);
	}
	if (++count % RSINK_LOG_EVERY == 0)
		tess_log("count=%llu last_seq=%llu", (unsigned long long)count, (unsigned long long)p->seq);
}

void shard_notified(tess_set_t set)
{
	(void)set;
	pkt_consume(tess_in(0), check);
}
