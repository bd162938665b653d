/* Consumer end of the SPSC ring; included by <tessera/ring.h> only. */
#ifndef TESSERA_RING_CONS_H
#define TESSERA_RING_CONS_H

/* A peer protocol error (ring.h "Trust"): from now on the ring is empty and
 * no shared byte of it is touched. */
static inline void ring_cons_stop(struct tess_ring_cons *c, uint32_t seen)
{
	c->stopped = true;
	c->bad_index = seen;
	c->head_cache = c->tail; /* avail 0: every peek fails */
	c->shm = ring_sink();	 /* stores from now on go nowhere */
}

/* Open the consumer end of the ring at `mem` with the end's own geometry
 * (`slots`, a power of two, and `slot_size` from its generated table; the
 * shared header is not read). After a restart the consumer resumes at the
 * released tail: slots peeked but not released by the previous life are
 * delivered again. If the published indices are inconsistent (head - tail
 * > slots) the end starts stopped. */
static inline void ring_cons_open(struct tess_ring_cons *c, void *mem, uint32_t slots, uint32_t slot_size)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;

	c->shm = r;
	c->slot0 = (uint8_t *)mem + TESS_CHAN_HDR_SIZE;
	c->mask = slots - 1;
	c->slot_size = slot_size;
	c->stopped = false;
	c->bad_index = 0;
	c->tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	c->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
	if (!ring_index_ok(c->head_cache, c->tail, slots))
		ring_cons_stop(c, c->head_cache);
}

/* Open with the geometry the header gives: only where one trusted program
 * owns both ends (tests, bench/). Returns false if `mem` is not a
 * formatted ring. */
static inline bool ring_cons_attach(struct tess_ring_cons *c, void *mem)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;

	if (!ring_shm_ok(r))
		return false;
	ring_cons_open(c, mem, r->slots, r->slot_size);
	return true;
}

/* Take a head read from the producer's line: an honest producer's lies in
 * [head_cache, tail + slots]. Returns the filled slots (0 once stopped). */
static inline uint32_t ring_cons_take_head(struct tess_ring_cons *c, uint32_t h)
{
	if (!ring_index_ok(h, c->head_cache, c->tail + c->mask + 1 - c->head_cache)) {
		ring_cons_stop(c, h);
		return 0;
	}
	c->head_cache = h;
	return h - c->tail;
}

/* Filled slots, at least `want` if that many exist. The producer's line is
 * read (acquire: its slot stores happen before our loads) only when the
 * cached head says there is not enough; the value read is checked there,
 * not on the fast path. */
static inline uint32_t ring_cons_avail(struct tess_ring_cons *c, uint32_t want)
{
	uint32_t avail = c->head_cache - c->tail;

	if (avail < want && !c->stopped)
		avail = ring_cons_take_head(c, atomic_load_explicit(&c->shm->head, memory_order_acquire));
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

/* Hand n slots back to the producer with one release store. A stopped end
 * releases nothing (slots peeked before the stop): its store goes to
 * ring_sink. */
static inline void ring_release(struct tess_ring_cons *c, unsigned n)
{
	c->tail += n;
	atomic_store_explicit(&c->shm->tail, c->tail, memory_order_release);
}

/* After releases, once before the consumer can stop running: does the
 * producer sleep on a full ring and need a notification? (Mirror of
 * ring_prod_peer_sleeps.) */
static inline bool ring_cons_peer_sleeps(struct tess_ring_cons *c)
{
	atomic_thread_fence(memory_order_seq_cst);
	return ring_take_flag(&c->shm->producer_waiting);
}

/* Before the consumer sleeps: arm consumer_waiting, fence, re-check. Returns
 * true if it may sleep; false (flag cleared again) if data arrived. A
 * stopped end (before or by this re-check) leaves the flag clear and may
 * sleep: nothing will arrive on this ring. */
static inline bool ring_cons_prepare_wait(struct tess_ring_cons *c)
{
	struct tess_ring_shm *r = c->shm; /* a stop below moves c->shm */

	if (c->stopped)
		return true;
	atomic_exchange_explicit(&r->consumer_waiting, 1, memory_order_seq_cst);
	if (ring_cons_take_head(c, atomic_load_explicit(&r->head, memory_order_seq_cst)) == 0 && !c->stopped)
		return true;
	atomic_store_explicit(&r->consumer_waiting, 0, memory_order_relaxed);
	return c->stopped;
}

static inline void ring_cons_cancel_wait(struct tess_ring_cons *c)
{
	atomic_store_explicit(&c->shm->consumer_waiting, 0, memory_order_relaxed);
}

#endif
