/* fan_gen: a polling producer in front of a multi-core shard. Its
 * manifest fans the channel `feed` out to the worker's lanes
 * ({from: gen, to: worker, lanes: all, name: feed}); each packet belongs to
 * one of FLOWS flows, round robin, and goes to the lane its flow hashes to
 * (TESS_FAN_FEED_PICK), so a flow stays on one lane and in order. Sequence
 * numbers count per lane (the sink checks each lane's stream); the flow
 * id is in the payload. Sends TOTAL packets (config; 0: forever). In front
 * of a single-core worker (a plain channel `feed`: a fan-out needs lanes)
 * it is the same generator with one lane (bench/lanes.py's baseline). */
#include <string.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

#ifdef TESS_FAN_FEED_LANES
#define LANES	TESS_FAN_FEED_LANES
#define BIT0	TESS_FAN_FEED_BIT0
#define PICK(h) TESS_FAN_FEED_PICK(h)
#else /* a plain channel to a single-core worker: the first output */
#define LANES	1
#define BIT0	first_out()
#define PICK(h) ((void)(h), first_out())

static unsigned first_out(void)
{
	struct tess_chan *c = tess_out(0);

	return c ? tess_chan_bit(c) : 0;
}
#endif
#ifndef TESS_CFG_FLOWS
#define TESS_CFG_FLOWS 64
#endif
#ifndef TESS_CFG_TOTAL
#define TESS_CFG_TOTAL 0
#endif

static uint64_t seq[LANES], sent;
static const uint64_t total = TESS_CFG_TOTAL;

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), %u lanes behind feed", why, LANES);
}

void shard_poll(void)
{
	for (unsigned k = 0; k < PKT_BURST && (total == 0 || sent < total); k++) {
		uint64_t flow = sent % TESS_CFG_FLOWS;
		unsigned bit = PICK(tess_flow_hash(flow));
		unsigned lane = (bit - BIT0) % LANES;
		struct tess_chan *out = tess_chan(bit);
		struct pkt *p = out ? tess_reserve(out) : NULL;

		if (!p)
			break; /* that lane is behind: keep the flow's order, try again next turn */
		memset(p, 0, sizeof(*p));
		p->seq = seq[lane]++;
		p->len = sizeof(flow);
		memcpy(p->payload, &flow, sizeof(flow));
		if (++sent == total)
			tess_log("sent %llu", (unsigned long long)sent);
		tess_commit(out, 1); /* the lane's consumer may run on another core now */
	}
}
