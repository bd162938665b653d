/* Transmitting: descriptors from every input channel are frames to send
 * or (TESS_PKT_F_FREE) buffers a stage dropped. Each is checked against
 * our own table first (pool_take): only a frame inside the packet region,
 * in a buffer that is out with that tag, is ever handed to the device. */
#include <string.h>
#include "net.h"

#define ETH_MIN 14u /* an Ethernet header */

/* Completed transmissions: their buffers are free again (2.7.8). */
unsigned tx_reclaim(void)
{
	unsigned n = 0;
	uint32_t b, len;

	while (vq_next_used(&net.tx, &b, &len) > 0) {
		if (b == NO_BUF)
			continue;
		pool_free(b);
		ST.tx_done++;
		n++;
	}
	net.saved->tx_seen = net.tx.used_seen;
	return n;
}

/* One frame in buffer b to the transmit queue, behind a zeroed header in
 * the headroom (5.1.6.2: no offloads negotiated, so flags 0, GSO_NONE). */
static void post(const struct tess_pkt *d, uint32_t b)
{
	struct vq *q = &net.tx;
	uint16_t id = q->idle[--q->nidle];

	memset(net.pkt.base + d->off - NET_HDR, 0, NET_HDR);
	q->desc[id].addr = net.pkt_bus + d->off - NET_HDR;
	q->desc[id].len = d->len + NET_HDR;
	q->desc[id].flags = 0;
	q->desc[id].next = 0;
	vq_add(q, id, b);
	ST.tx++;
}

/* Up to `budget` descriptors from input channel c; how many were taken. */
static unsigned drain(struct tess_chan *c, unsigned budget)
{
	struct tess_pkt d[TESS_PKT_BURST];
	unsigned k = tess_pkt_peek(c, d, budget), i;

	for (i = 0; i < k; i++) {
		uint32_t b;

		if (!(d[i].flags & TESS_PKT_F_FREE) && net.tx.nidle == 0 &&
		    (tx_reclaim(), net.tx.nidle == 0)) {
			ST.tx_full++;
			break; /* stays in the channel until a descriptor completes */
		}
		if (!pool_take(&d[i], &b))
			continue; /* counted: not a buffer of ours out there */
		if (d[i].flags & TESS_PKT_F_FREE) {
			pool_free(b);
			ST.freed++;
			continue;
		}
		if (d[i].len < ETH_MIN) {
			ST.bad_desc++;
			pool_free(b);
			continue;
		}
		if (d[i].flags & TESS_PKT_F_STATS)
			net_log_stats("query");
		post(&d[i], b);
	}
	tess_release(c, i);
	return i;
}

unsigned tx_drain(unsigned budget)
{
	unsigned n = 0;
	struct tess_chan *c;

	for (unsigned j = 0; (c = tess_in(j)) != NULL && n < budget; j++)
		n += drain(c, budget - n);
	vq_kick(&net.tx);
	return n;
}
