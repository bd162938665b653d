/* Producer end of the SPSC ring; included by <tessera/ring.h> only. */
#ifndef TESSERA_RING_PROD_H
#define TESSERA_RING_PROD_H

/* A peer protocol error (ring.h "Trust"): from now on the ring is full and
 * no shared byte of it is touched. */
static inline void ring_prod_stop(struct tess_ring_prod *p, uint32_t seen)
{
	p->stopped = true;
	p->bad_index = seen;
	p->tail_cache = p->head - (p->mask + 1); /* space 0: every reserve fails */
	p->shm = ring_sink();			 /* stores from now on go nowhere */
}

/* Open the producer end of the ring at `mem` with the end's own geometry
 * (`slots`, a power of two, and `slot_size` from its generated table; the
 * shared header is not read). After a restart the producer resumes at the
 * published head: slots reserved but never committed by the previous life
 * are simply reused. If the published indices are inconsistent (head -
 * tail > slots) the end starts stopped. */
static inline void ring_prod_open(struct tess_ring_prod *p, void *mem, uint32_t slots, uint32_t slot_size)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;

	p->shm = r;
	p->slot0 = (uint8_t *)mem + TESS_CHAN_HDR_SIZE;
	p->mask = slots - 1;
	p->slot_size = slot_size;
	p->stopped = false;
	p->bad_index = 0;
	p->head = atomic_load_explicit(&r->head, memory_order_relaxed);
	p->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
	if (!ring_index_ok(p->head - p->tail_cache, 0, slots))
		ring_prod_stop(p, p->tail_cache);
}

/* Open with the geometry the header gives: only where one trusted program
 * owns both ends (tests, bench/). Returns false if `mem` is not a
 * formatted ring. */
static inline bool ring_prod_attach(struct tess_ring_prod *p, void *mem)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;

	if (!ring_shm_ok(r))
		return false;
	ring_prod_open(p, mem, r->slots, r->slot_size);
	return true;
}

/* Take a tail read from the consumer's line: an honest consumer's lies in
 * [tail_cache, head]. Returns the free space (0 once stopped). */
static inline uint32_t ring_prod_take_tail(struct tess_ring_prod *p, uint32_t t)
{
	if (!ring_index_ok(t, p->tail_cache, p->head - p->tail_cache)) {
		ring_prod_stop(p, t);
		return 0;
	}
	p->tail_cache = t;
	return p->mask + 1 - (p->head - t);
}

/* Free slots, at least `want` if that many exist. Only when the cached tail
 * says there is not enough do we touch the consumer's line (acquire: the
 * consumer's reads of those slots happen before we overwrite them); the
 * value read is checked there, not on the fast path. */
static inline uint32_t ring_prod_space(struct tess_ring_prod *p, uint32_t want)
{
	uint32_t space = p->mask + 1 - (p->head - p->tail_cache);

	if (space < want && !p->stopped)
		space = ring_prod_take_tail(p, atomic_load_explicit(&p->shm->tail, memory_order_acquire));
	return space;
}

/* The i-th slot after head (i < space). */
static inline void *ring_prod_slot(const struct tess_ring_prod *p, uint32_t i)
{
	return p->slot0 + (size_t)((p->head + i) & p->mask) * p->slot_size;
}

/* The next free slot, or NULL when full. Reserving does not advance: calling
 * it twice without a commit returns the same slot. */
static inline void *ring_reserve(struct tess_ring_prod *p)
{
	return ring_prod_space(p, 1) ? ring_prod_slot(p, 0) : NULL;
}

/* Up to n free slots, one pointer per slot (so a burst may wrap). */
static inline unsigned ring_reserve_burst(struct tess_ring_prod *p, void **slots, unsigned n)
{
	uint32_t k = ring_prod_space(p, n);

	if (k > n)
		k = n;
	for (uint32_t i = 0; i < k; i++)
		slots[i] = ring_prod_slot(p, i);
	return k;
}

/* Publish n filled slots with one release store (a burst costs one store).
 * A stopped end publishes nothing (slots reserved before the stop): its
 * store goes to ring_sink. */
static inline void ring_commit(struct tess_ring_prod *p, unsigned n)
{
	p->head += n;
	atomic_store_explicit(&p->shm->head, p->head, memory_order_release);
}

/* Take a waiting flag: true for exactly one taker per arming. The plain
 * load first keeps the common case (peer awake) free of a locked RMW. */
static inline bool ring_take_flag(_Atomic uint32_t *flag)
{
	if (atomic_load_explicit(flag, memory_order_relaxed) == 0)
		return false;
	return atomic_exchange_explicit(flag, 0, memory_order_relaxed) != 0;
}

/* After commits, once before the producer can stop running (the end of
 * its entry): does the consumer sleep and need a notification? The fence
 * orders every commit before it against the consumer's arming (the proof
 * at the top of ring.h); true at most once per arming. */
static inline bool ring_prod_peer_sleeps(struct tess_ring_prod *p)
{
	atomic_thread_fence(memory_order_seq_cst);
	return ring_take_flag(&p->shm->consumer_waiting);
}

/* Before the producer sleeps on a full ring: arm producer_waiting, fence,
 * re-check. Returns true if it may sleep; false (flag cleared again) if space
 * appeared meanwhile. A stopped end (before or by this re-check) leaves
 * the flag clear and may sleep: nothing will change on this ring. */
static inline bool ring_prod_prepare_wait(struct tess_ring_prod *p)
{
	struct tess_ring_shm *r = p->shm; /* a stop below moves p->shm */

	if (p->stopped)
		return true;
	atomic_exchange_explicit(&r->producer_waiting, 1, memory_order_seq_cst);
	if (ring_prod_take_tail(p, atomic_load_explicit(&r->tail, memory_order_seq_cst)) == 0 && !p->stopped)
		return true;
	atomic_store_explicit(&r->producer_waiting, 0, memory_order_relaxed);
	return p->stopped;
}

/* After waking: disarm, so the consumer stops paying for notifications. */
static inline void ring_prod_cancel_wait(struct tess_ring_prod *p)
{
	atomic_store_explicit(&p->shm->producer_waiting, 0, memory_order_relaxed);
}

#endif
