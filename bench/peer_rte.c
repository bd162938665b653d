/* DPDK rte_ring in single-producer/single-consumer mode with 64-byte
 * elements, on our own aligned memory (rte_ring_get_memsize_elem +
 * rte_ring_init: no EAL, no hugepages). Two ways to drive it, both measured:
 * the element copy API (rte_ring_sp_enqueue_burst_elem / ..._sc_dequeue_...)
 * and the zero-copy API (rte_ring_peek_zc.h), the closest to our ring. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_ring_peek_zc.h>
#include "bench.h"

#define ESZ sizeof(struct msg)

static void *create(void)
{
	ssize_t sz = rte_ring_get_memsize_elem(ESZ, BENCH_SLOTS);
	struct rte_ring *r = aligned_alloc(4096, ((size_t)sz + 4095) & ~(size_t)4095);

	memset(r, 0, (size_t)sz);
	if (rte_ring_init(r, "bench", BENCH_SLOTS, RING_F_SP_ENQ | RING_F_SC_DEQ) != 0)
		abort();
	return r;
}

static void destroy(void *ring)
{
	free(ring);
}

/* ---- copy API ---- */

static void produce_copy(void *ring, uint64_t n, unsigned burst)
{
	struct msg b[BENCH_BURST];

	for (uint64_t seq = 0; seq < n;) {
		unsigned want = n - seq < burst ? (unsigned)(n - seq) : burst;
		for (unsigned i = 0; i < want; i++)
			msg_fill(&b[i], seq + i);
		if (burst == 1) {
			while (rte_ring_sp_enqueue_elem(ring, &b[0], ESZ) != 0)
				;
			seq++;
			continue;
		}
		/* resend the unsent tail: refill is part of the cost for everyone */
		seq += rte_ring_sp_enqueue_burst_elem(ring, b, ESZ, want, NULL);
	}
}

static uint64_t consume_copy(void *ring, uint64_t n, unsigned burst)
{
	struct msg b[BENCH_BURST];
	uint64_t bad = 0;

	for (uint64_t seq = 0; seq < n;) {
		unsigned k;
		if (burst == 1)
			k = rte_ring_sc_dequeue_elem(ring, &b[0], ESZ) == 0;
		else
			k = rte_ring_sc_dequeue_burst_elem(ring, b, ESZ, burst, NULL);
		for (unsigned i = 0; i < k; i++)
			bad += msg_check(&b[i], seq++) != 0;
	}
	return bad;
}

static uint64_t ping_copy(void *to, void *from, uint64_t n)
{
	struct msg m, r;
	uint64_t bad = 0;

	for (uint64_t seq = 0; seq < n; seq++) {
		msg_fill(&m, seq);
		while (rte_ring_sp_enqueue_elem(to, &m, ESZ) != 0)
			;
		while (rte_ring_sc_dequeue_elem(from, &r, ESZ) != 0)
			;
		bad += msg_check(&r, seq) != 0;
	}
	return bad;
}

static void pong_copy(void *from, void *to, uint64_t n)
{
	struct msg m;

	for (uint64_t i = 0; i < n; i++) {
		while (rte_ring_sc_dequeue_elem(from, &m, ESZ) != 0)
			;
		while (rte_ring_sp_enqueue_elem(to, &m, ESZ) != 0)
			;
	}
}

const struct peer peer_rte = {"rte_ring",   "SP/SC, _elem copy API (burst_elem)",
			      create,	    destroy,
			      produce_copy, consume_copy,
			      ping_copy,    pong_copy};

/* ---- zero-copy API ---- */

/* The i-th element of a zero-copy window (two pieces when it wraps). */
static inline struct msg *zc_at(const struct rte_ring_zc_data *z, unsigned i)
{
	return i < z->n1 ? (struct msg *)z->ptr1 + i : (struct msg *)z->ptr2 + (i - z->n1);
}

static void produce_zc(void *ring, uint64_t n, unsigned burst)
{
	struct rte_ring_zc_data z;

	for (uint64_t seq = 0; seq < n;) {
		unsigned want = n - seq < burst ? (unsigned)(n - seq) : burst;
		unsigned k = rte_ring_enqueue_zc_burst_elem_start(ring, ESZ, want, &z, NULL);
		for (unsigned i = 0; i < k; i++)
			msg_fill(zc_at(&z, i), seq++);
		if (k)
			rte_ring_enqueue_zc_elem_finish(ring, k);
	}
}

static uint64_t consume_zc(void *ring, uint64_t n, unsigned burst)
{
	struct rte_ring_zc_data z;
	uint64_t bad = 0;

	for (uint64_t seq = 0; seq < n;) {
		unsigned k = rte_ring_dequeue_zc_burst_elem_start(ring, ESZ, burst, &z, NULL);
		for (unsigned i = 0; i < k; i++)
			bad += msg_check(zc_at(&z, i), seq++) != 0;
		if (k)
			rte_ring_dequeue_zc_elem_finish(ring, k);
	}
	return bad;
}

static uint64_t ping_zc(void *to, void *from, uint64_t n)
{
	struct rte_ring_zc_data z;
	uint64_t bad = 0;

	for (uint64_t seq = 0; seq < n; seq++) {
		while (rte_ring_enqueue_zc_burst_elem_start(to, ESZ, 1, &z, NULL) == 0)
			;
		msg_fill(z.ptr1, seq);
		rte_ring_enqueue_zc_elem_finish(to, 1);
		while (rte_ring_dequeue_zc_burst_elem_start(from, ESZ, 1, &z, NULL) == 0)
			;
		bad += msg_check(z.ptr1, seq) != 0;
		rte_ring_dequeue_zc_elem_finish(from, 1);
	}
	return bad;
}

static void pong_zc(void *from, void *to, uint64_t n)
{
	struct rte_ring_zc_data zi, zo;

	for (uint64_t i = 0; i < n; i++) {
		while (rte_ring_dequeue_zc_burst_elem_start(from, ESZ, 1, &zi, NULL) == 0)
			;
		while (rte_ring_enqueue_zc_burst_elem_start(to, ESZ, 1, &zo, NULL) == 0)
			;
		*(struct msg *)zo.ptr1 = *(const struct msg *)zi.ptr1;
		rte_ring_dequeue_zc_elem_finish(from, 1);
		rte_ring_enqueue_zc_elem_finish(to, 1);
	}
}

const struct peer peer_rte_zc = {"rte_ring zc", "SP/SC, zero-copy API (rte_ring_peek_zc.h)",
				 create,	destroy,
				 produce_zc,	consume_zc,
				 ping_zc,	pong_zc};
