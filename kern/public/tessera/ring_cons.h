/* Consumer end of the SPSC ring; included by <tessera/ring.h> only. */
#ifndef TESSERA_RING_CONS_H
#define TESSERA_RING_CONS_H

/* Attach to a formatted ring. After a restart the consumer resumes at the
 * released tail: slots peeked but not released by the previous life are
 * delivered again. Returns false if `mem` is not a formatted ring. */
static inline bool ring_cons_attach(struct tess_ring_cons *c, void *mem)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;

	if (!ring_shm_ok(r))
		return false;
	c->shm = r;
	c->slot0 = (uint8_t *)mem + TESS_CHAN_HDR_SIZE;
	c->mask = r->slots - 1;
	c->slot_size = r->slot_size;
	c->tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	c->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
	return true;
}

/* Filled slots, at least `want` if that many exist. The producer's line is
 * read (acquire: its slot stores happen before our loads) only when the
 * cached head says there is not enough. */
static inline uint32_t ring_cons_avail(struct tess_ring_cons *c, uint32_t want)
{
	uint32_t avail = c->head_cache - c->tail;

	if (avail < want) {
		c->head_cache = atomic_load_explicit(&c->shm->head, memory_order_acquire);
		avail = c->head_cache - c->tail;
	}
	return avail;
}

static inline void *ring_cons_slot(const struct tess_ring_cons *c, uint32_t i)
{
	return c->slot0 + (size_t)((c->tail + i) & c->mask) * c->slot_size;
}

/* The oldest filled slot, or NULL when empty. Peeking does not advance. */
static inline void *ring_peek(struct tess_ring_cons *c)
{
	return ring_cons_avail(c, 1) ? ring_cons_slot(c, 0) : NULL;
}

/* Up to n filled slots, one pointer per slot (so a burst may wrap). */
static inline unsigned ring_peek_burst(struct tess_ring_cons *c, void **slots, unsigned n)
{
	uint32_t k = ring_cons_avail(c, n);

	if (k > n)
		k = n;
	for (uint32_t i = 0; i < k; i++)
		slots[i] = ring_cons_slot(c, i);
	return k;
}

/* Hand n slots back to the producer with one release store. */
static inline void ring_release(struct tess_ring_cons *c, unsigned n)
{
	c->tail += n;
	atomic_store_explicit(&c->shm->tail, c->tail, memory_order_release);
}

/* Release, then tell the caller whether the producer sleeps on a full ring
 * and must be notified (mirror of ring_commit_wake). */
static inline bool ring_release_wake(struct tess_ring_cons *c, unsigned n)
{
	c->tail += n;
	atomic_exchange_explicit(&c->shm->tail, c->tail, memory_order_seq_cst);
	return ring_take_flag(&c->shm->producer_waiting);
}

/* Before the consumer sleeps: arm consumer_waiting, fence, re-check. Returns
 * true if it may sleep; false (flag cleared again) if data arrived. */
static inline bool ring_cons_prepare_wait(struct tess_ring_cons *c)
{
	atomic_exchange_explicit(&c->shm->consumer_waiting, 1, memory_order_seq_cst);
	c->head_cache = atomic_load_explicit(&c->shm->head, memory_order_seq_cst);
	if (c->head_cache != c->tail) {
		atomic_store_explicit(&c->shm->consumer_waiting, 0, memory_order_relaxed);
		return false;
	}
	return true;
}

static inline void ring_cons_cancel_wait(struct tess_ring_cons *c)
{
	atomic_store_explicit(&c->shm->consumer_waiting, 0, memory_order_relaxed);
}

#endif
