/* The example pipeline's packet (pktgen -> filter -> sink): one 64-byte
 * channel slot, and how the filters and sinks move packets. Not a shard:
 * included as "../common/pkt.h". */
#ifndef TESS_EXAMPLE_PKT_H
#define TESS_EXAMPLE_PKT_H

#include <stdint.h>
#include <tessera/shard.h>

struct pkt {
	uint64_t seq; /* strictly increasing by 1 from 0 */
	uint32_t len; /* payload bytes used */
	uint32_t flags;
	uint8_t payload[48];
};

_Static_assert(sizeof(struct pkt) == 64, "a packet fills one 64-byte slot");

/* Set by filter: the packet's class. */
#define PKT_CLASS_EVEN 0x1u
#define PKT_CLASS_ODD  0x2u
/* Set by filter_v2 on every packet it forwards, so a sink can tell from
 * which packet on the new version handled the stream (tests/reload). */
#define FILTER_V2_TAG 0x100u

#define PKT_BURST 32
/* Bursts a consumer moves per entry. Bounding an entry keeps it far below
 * any watchdog however far behind the shard is, and gives the core back to
 * the shards sharing it; the runtime runs the entry again at once (a poll
 * turn) while input remains. */
#define PKT_BURSTS_PER_ENTRY 8

/* A filter's entry: forward packets from `in` to `out`, each classified
 * EVEN/ODD and or-ed with `tag` (and handed to `work`, if not NULL, on the
 * way: a stage's per-packet cost, bench/lanes.py), at most
 * PKT_BURSTS_PER_ENTRY bursts. Back-pressure: when `out` is full the rest
 * of `in` stays unconsumed, and the runtime sleeps until the consumer frees
 * space (producer-side wakeup). */
static inline void pkt_forward_work(struct tess_chan *in, struct tess_chan *out, uint32_t tag,
				    void (*work)(struct pkt *))
{
	void *src[PKT_BURST], *dst[PKT_BURST];

	if (!in || !out)
		return;
	for (unsigned b = 0; b < PKT_BURSTS_PER_ENTRY; b++) {
		unsigned n = tess_peek_burst(in, src, PKT_BURST);

		if (n == 0)
			return;
		n = tess_reserve_burst(out, dst, n);
		if (n == 0)
			return; /* output full: keep the input, wait for space */
		for (unsigned i = 0; i < n; i++) {
			const struct pkt *s = src[i];
			struct pkt *d = dst[i];

			*d = *s;
			d->flags |= (s->seq & 1 ? PKT_CLASS_ODD : PKT_CLASS_EVEN) | tag;
			if (work)
				work(d);
		}
		tess_commit(out, n);
		tess_release(in, n);
	}
}

static inline void pkt_forward(struct tess_chan *in, struct tess_chan *out, uint32_t tag)
{
	pkt_forward_work(in, out, tag, 0);
}

/* A sink's entry: hand every packet of `in` to `each`, in order, at most
 * PKT_BURSTS_PER_ENTRY bursts. */
static inline void pkt_consume(struct tess_chan *in, void (*each)(const struct pkt *))
{
	void *slots[PKT_BURST];
	unsigned n;

	if (!in)
		return;
	for (unsigned b = 0; b < PKT_BURSTS_PER_ENTRY && (n = tess_peek_burst(in, slots, PKT_BURST)) != 0;
	     b++) {
		for (unsigned i = 0; i < n; i++)
			each(slots[i]);
		tess_release(in, n);
	}
}

#endif
