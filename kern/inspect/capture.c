/* `tessera capture` (docs/inspect.md "capture"): a frame waiting in a
 * packet channel (<tessera/pkt_desc.h>), copied out on a query. The
 * kernel only looks: it samples what sits between the ring's tail and
 * head when asked, costs the pipeline nothing and can never stall it;
 * frames that pass between two queries are not seen, and the host counts
 * them as dropped (the ring index it asked for against the one answered).
 *
 * Trust: the ring indices and the descriptor are the ends' figures
 * (docs/design.md "Channel memory"). The slot index is masked with our
 * own geometry, the frame is checked to lie inside one buffer of the
 * packet region from our own tables, and after the copy the tail is read
 * again: a frame the consumer released meanwhile (its buffer may be
 * reused) is answered BUSY, not with bytes that may be another frame's. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/lib.h>
#include <tessera/pkt_desc.h>
#include <tessera/ring.h>
#include "records.h"

/* The packet region of channel `ch`: the one DMA region both ends map
 * (0 if none or several: not a packet channel by the convention). */
static int pkt_region(const struct tess_chan_cfg *ch, uint64_t *pa, uint64_t *size)
{
	const struct tess_shard_cfg *a = &tess_system.shards[ch->from], *b = &tess_system.shards[ch->to];
	int found = 0;

	for (unsigned i = 0; i < b->nmaps; i++) {
		if (b->maps[i].kind != TESS_MAP_KIND_DMA)
			continue;
		for (unsigned j = 0; j < a->nmaps; j++) {
			if (a->maps[j].kind == TESS_MAP_KIND_DMA && a->maps[j].pa == b->maps[i].pa) {
				*pa = b->maps[i].pa;
				*size = b->maps[i].size;
				found++;
			}
		}
	}
	return found == 1;
}

/* Query: id = channel, cursor = the ring index wanted, off = the byte of
 * the frame to start at. Answer: head u32, tail u32, index u32 (of the
 * frame answered: the wanted one or, once passed, the oldest waiting),
 * len u16, flags u16, time u64, then frame bytes from off, as many as
 * fit. EMPTY: nothing waits at or after the index. */
int inspect_capture_rec(struct w *w, const struct q *q)
{
	const struct tess_chan_cfg *ch;
	const struct tess_ring_shm *r;
	struct tess_pkt d;
	uint64_t pa = 0, size = 0, now;
	uint32_t head, tail, idx, in, n;
	const uint8_t *base;

	if (q->id >= tess_system.nchannels)
		return INSPECT_NO_ITEM;
	ch = &tess_system.channels[q->id];
	if (ch->slot_size < sizeof d || !pkt_region(ch, &pa, &size))
		return INSPECT_NO_ITEM;
	r = plat_pa_to_kva(ch->pa);
	base = plat_pa_to_kva(pa);
	if (!r || !base)
		return INSPECT_NO_ITEM;
	head = atomic_load_explicit(&r->head, memory_order_acquire);
	tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	if (head - tail > ch->slots)
		return INSPECT_EMPTY; /* not indices an honest pair writes */
	/* The index asked for if it waits; none if it is yet to come (at most
	 * a ring ahead); else (passed, or any other number) the oldest. */
	idx = (uint32_t)q->cursor;
	if (idx - tail >= head - tail)
		idx = idx - head <= ch->slots ? head : tail;
	if (idx == head)
		return INSPECT_EMPTY;
	memcpy(&d,
	       (const uint8_t *)r + TESS_CHAN_HDR_SIZE + (uint64_t)(idx & (ch->slots - 1)) * ch->slot_size,
	       sizeof d);
	in = d.off % TESS_PKT_BUF_SIZE;
	if (d.off >= size || d.len > TESS_PKT_BUF_SIZE - in || d.off + (uint64_t)d.len > size ||
	    q->off > d.len)
		return INSPECT_NO_ITEM;
	now = plat_time_ns();
	w_u32(w, head);
	w_u32(w, tail);
	w_u32(w, idx);
	w_u16(w, d.len);
	w_u16(w, d.flags);
	w_u64(w, now);
	n = d.len - q->off;
	w_bytes(w, base + d.off + q->off, n < w_room(w) ? n : w_room(w));
	atomic_thread_fence(memory_order_acquire);
	if ((int32_t)(atomic_load_explicit(&r->tail, memory_order_relaxed) - idx) > 0)
		return INSPECT_BUSY; /* released during the copy */
	return INSPECT_OK;
}
