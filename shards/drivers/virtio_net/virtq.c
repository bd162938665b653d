/* Split virtqueues, the driver's side (virtio 1.2, 2.7). Nothing the device
 * writes is trusted: a used entry's id is range-checked and must name a
 * descriptor we posted and have not had back yet; an index that claims
 * more entries than the queue has marks the device broken. */
#include <string.h>
#include "net.h"

/* Each part on its own cache lines: 2.7 asks 16-byte alignment for the
 * descriptor table, 2 for the available ring, 4 for the used ring, and the
 * used ring (the device's) shares no line with the driver's parts. */
static struct vring_used *used_ring(uint8_t *mem, uint16_t size)
{
	return (struct vring_used *)(mem + VQ_RUP(16u * size) + VQ_RUP(6u + 2u * size));
}

void vq_init(struct vq *q, uint16_t index, uint16_t size, uint8_t *mem)
{
	/* Zeroed: used->flags starts 0 (2.7.10.1), no stale entry looks new. */
	memset(mem, 0, VQ_BYTES(size));
	q->desc = (struct vring_desc *)mem;
	q->avail = (struct vring_avail *)(mem + VQ_RUP(16u * size));
	q->used = used_ring(mem, size);
	q->index = index;
	q->size = size;
	q->avail_idx = q->used_seen = q->used_idx = 0;
	q->added = 0;
	q->nidle = 0;
	for (uint32_t d = size; d-- > 0;) {
		q->buf[d] = NO_BUF;
		q->idle[q->nidle++] = (uint16_t)d;
	}
}

/* The used index a queue at `mem` holds (an earlier life's queue, after
 * the reset that stopped its device). */
uint16_t vq_used_idx(uint8_t *mem, uint16_t size)
{
	return LOAD(used_ring(mem, size)->idx);
}

uint64_t vq_bus(const void *p)
{
	return tess_dma_bus(p, 1);
}

/* Make descriptor d (holding packet buffer `buf`) available (2.7.13.2);
 * published by vq_kick. */
void vq_add(struct vq *q, uint16_t d, uint32_t buf)
{
	q->buf[d] = buf;
	q->avail->ring[q->avail_idx & (q->size - 1)] = d;
	q->avail_idx++;
	q->added++;
}

/* Publish what was added (2.7.13.3: a barrier before the idx update) and
 * notify the device unless it said it needs no notification (2.7.10: a
 * barrier between the idx update and reading used->flags, or we could
 * miss that the device went to sleep). */
void vq_kick(struct vq *q)
{
	if (!q->added)
		return;
	q->added = 0;
	tess_dma_wmb();
	STORE(q->avail->idx, q->avail_idx);
	tess_dma_mb();
	if (!(LOAD(q->used->flags) & VRING_USED_F_NO_NOTIFY)) {
		vt_notify(q);
		ST.kicks++;
	}
}

/* 2.7.7: VRING_AVAIL_F_NO_INTERRUPT asks the device not to interrupt when
 * it uses buffers; advice only, spurious interrupts are handled. */
void vq_interrupts(struct vq *q, bool on)
{
	STORE(q->avail->flags, on ? 0 : VRING_AVAIL_F_NO_INTERRUPT);
}

bool vq_pending(struct vq *q)
{
	q->used_idx = LOAD(q->used->idx);
	return q->used_idx != q->used_seen;
}

/* The next used entry (2.7.8): 1 with *buf and *len (*buf = NO_BUF for a
 * bad entry, counted and consumed), 0 when there is none, -1 when the
 * device's index is impossible (net.broken set: the caller resets it). */
int vq_next_used(struct vq *q, uint32_t *buf, uint32_t *len)
{
	uint32_t id;

	if (q->used_idx == q->used_seen && !vq_pending(q))
		return 0;
	if ((uint16_t)(q->used_idx - q->used_seen) > q->size) {
		ST.bad_idx++;
		net.broken = true;
		return -1;
	}
	/* The entries were written before the index that announced them. */
	tess_dma_rmb();
	id = LOAD(q->used->ring[q->used_seen & (q->size - 1)].id);
	*len = LOAD(q->used->ring[q->used_seen & (q->size - 1)].len);
	q->used_seen++;
	*buf = NO_BUF;
	if (id >= q->size) {
		ST.bad_id++;
	} else if (q->buf[id] == NO_BUF) {
		ST.dup_id++; /* not ours now: never posted, or already back */
	} else {
		*buf = q->buf[id];
		q->buf[id] = NO_BUF;
		q->idle[q->nidle++] = (uint16_t)id;
	}
	return 1;
}
