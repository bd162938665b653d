/* sink: a notified consumer that checks the sequence numbers of tess_in(0)
 * (each must be the previous one plus 1; a gap is reported once, then the
 * count resynchronises on the packet received), counts packets and logs
 * "count=<n> last_seq=<s>" every SINK_LOG_EVERY packets. After a restart of
 * the sink itself the first packet seen sets the expectation. */
#include <stdbool.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

#define SINK_LOG_EVERY 100000u

static uint64_t count, expected, gaps;
static bool synced;

void shard_init(enum tess_start_reason why)
{
	synced = why == TESS_START_FIRST; /* a first start expects seq 0 */
	expected = 0;
	tess_log("up (reason %d)", why);
}

static void check(const struct pkt *p)
{
	if (synced && p->seq != expected) {
		gaps++;
		tess_log("seq gap: expected %llu got %llu", (unsigned long long)expected,
			 (unsigned long long)p->seq);
	}
	synced = true;
	expected = p->seq + 1;
	if (++count % SINK_LOG_EVERY == 0)
		tess_log("count=%llu last_seq=%llu", (unsigned long long)count, (unsigned long long)p->seq);
}

void shard_notified(tess_set_t set)
{
	(void)set;
	pkt_consume(tess_in(0), check);
}
