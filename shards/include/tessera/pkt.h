/* Zero-copy packet channels (docs/drivers.md "Packet channels").
 *
 * The convention:
 *  - Packet buffers live in one DMA region, the packet region, cut into
 *    TESS_PKT_BUF_SIZE buffers. One shard owns them all: the driver that
 *    hands them to its device. Only the owner allocates and frees.
 *  - A frame starts at least TESS_PKT_HEADROOM bytes into its buffer, so a
 *    driver can put its device's header in front without copying.
 *  - Channels carry descriptors (struct tess_pkt, one per slot): where the
 *    frame is (offset in the region, length), flags, the owner's tag
 *    (passed back untouched: the owner checks it) and one word of metadata
 *    a stage may set for the next.
 *  - Every buffer goes back to its owner: forwarded for transmit, or with
 *    TESS_PKT_F_FREE on a channel to the owner when a stage drops it.
 *  - A receiver copies descriptors out of the ring (the peer may rewrite a
 *    slot at any time) and checks each copy against the region's geometry
 *    from its own generated constants (TESS_DMA_<NAME>_VA/_SIZE) before it
 *    touches the frame: tess_pkt_frame() is that check.
 *
 * A stage's step: tess_pkt_peek() a burst of inputs, open its outputs for
 * as many, put one descriptor per input, close the outputs (one commit
 * each), then tess_release() the inputs it handled. Outputs are published
 * before inputs are released, so a stage stopped between two steps (a
 * restart, a hot reload) neither loses nor duplicates a packet. */
#ifndef TESSERA_PKT_H
#define TESSERA_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/channel.h>

#define TESS_PKT_BUF_SIZE 2048u
#define TESS_PKT_HEADROOM 64u
/* The longest frame a buffer holds after the headroom. */
#define TESS_PKT_MAX_LEN (TESS_PKT_BUF_SIZE - TESS_PKT_HEADROOM)
/* Most descriptors one tess_pkt_out reserves at a time. */
#define TESS_PKT_BURST 32u

struct tess_pkt {
	uint32_t off;	/* of the frame, from the start of the packet region */
	uint16_t len;	/* frame bytes */
	uint16_t flags; /* TESS_PKT_F_* */
	uint32_t tag;	/* the owner's; passed back unchanged */
	uint32_t meta;	/* free for the stages */
};

#define TESS_PKT_F_FREE	 0x1u /* to the owner: a dropped packet's buffer, not for transmit */
#define TESS_PKT_F_STATS 0x2u /* a counters query: every stage it passes logs its counters */

/* The packet region as one shard maps it: from its own tables. */
struct tess_pkt_region {
	uint8_t *base;
	uint64_t size; /* whole buffers only */
	uint32_t nbufs;
};

/* Describe the region at [va, va + size); false if it holds no buffer. */
bool tess_pkt_region_init(struct tess_pkt_region *r, uintptr_t va, uint64_t size);

/* The frame `d` names, or NULL unless it lies inside one buffer of `r`
 * (after the buffer's first TESS_PKT_HEADROOM bytes when `headroom`). */
static inline uint8_t *tess_pkt_frame(const struct tess_pkt_region *r, const struct tess_pkt *d,
				      bool headroom)
{
	uint32_t in = d->off % TESS_PKT_BUF_SIZE;

	if (d->off >= r->size || d->len > TESS_PKT_BUF_SIZE - in || (headroom && in < TESS_PKT_HEADROOM))
		return 0;
	return r->base + d->off;
}

/* The buffer a checked descriptor lies in. */
static inline uint32_t tess_pkt_buf(const struct tess_pkt *d)
{
	return d->off / TESS_PKT_BUF_SIZE;
}

/* Copy up to n descriptors out of input channel `c`, oldest first, without
 * releasing them (tess_release after handling). */
unsigned tess_pkt_peek(struct tess_chan *c, struct tess_pkt *d, unsigned n);

/* An output channel opened for one step. */
struct tess_pkt_out {
	struct tess_chan *c;
	void *slot[TESS_PKT_BURST];
	unsigned n, used;
};

/* Reserve up to `want` (at most TESS_PKT_BURST) slots of `c` (NULL: none). */
void tess_pkt_out_open(struct tess_pkt_out *o, struct tess_chan *c, unsigned want);
/* Put one descriptor; false when the reserved slots are used up. */
bool tess_pkt_out_put(struct tess_pkt_out *o, const struct tess_pkt *d);
/* Publish what was put (one commit, one notification at most). */
void tess_pkt_out_close(struct tess_pkt_out *o);

#endif
