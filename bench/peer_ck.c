/* Concurrency Kit ck_ring, SPSC, typed ring of 64-byte messages
 * (CK_RING_PROTOTYPE). The producer writes in place (enqueue_reserve +
 * commit); ck has no zero-copy dequeue and no burst API, so the consumer
 * copies each message out and a "burst" is a loop of single operations. */
#include <stdlib.h>
#include <string.h>
#include <ck_ring.h>
#include "bench.h"

CK_RING_PROTOTYPE(msg, msg)

struct cring {
	struct ck_ring ring;
	struct msg *buf;
};

static void *create(void)
{
	struct cring *c = aligned_alloc(64, sizeof(*c));

	memset(c, 0, sizeof(*c));
	c->buf = aligned_alloc(4096, BENCH_SLOTS * sizeof(struct msg));
	ck_ring_init(&c->ring, BENCH_SLOTS);
	return c;
}

static void destroy(void *ring)
{
	struct cring *c = ring;

	free(c->buf);
	free(c);
}

static inline void send1(struct cring *c, uint64_t seq)
{
	struct msg *m;

	while (!(m = ck_ring_enqueue_reserve_spsc_msg(&c->ring, c->buf)))
		;
	msg_fill(m, seq);
	ck_ring_enqueue_commit_spsc(&c->ring);
}

static void produce(void *ring, uint64_t n, unsigned burst)
{
	(void)burst;
	for (uint64_t seq = 0; seq < n; seq++)
		send1(ring, seq);
}

static uint64_t consume(void *ring, uint64_t n, unsigned burst)
{
	struct cring *c = ring;
	struct msg m;
	uint64_t bad = 0;

	(void)burst;
	for (uint64_t seq = 0; seq < n;)
		if (ck_ring_dequeue_spsc_msg(&c->ring, c->buf, &m))
			bad += msg_check(&m, seq++) != 0;
	return bad;
}

static uint64_t ping(void *to, void *from, uint64_t n)
{
	struct cring *f = from;
	struct msg m;
	uint64_t bad = 0;

	for (uint64_t seq = 0; seq < n; seq++) {
		send1(to, seq);
		while (!ck_ring_dequeue_spsc_msg(&f->ring, f->buf, &m))
			;
		bad += msg_check(&m, seq) != 0;
	}
	return bad;
}

static void pong(void *from, void *to, uint64_t n)
{
	struct cring *f = from, *t = to;
	struct msg m, *o;

	for (uint64_t i = 0; i < n; i++) {
		while (!ck_ring_dequeue_spsc_msg(&f->ring, f->buf, &m))
			;
		while (!(o = ck_ring_enqueue_reserve_spsc_msg(&t->ring, t->buf)))
			;
		*o = m;
		ck_ring_enqueue_commit_spsc(&t->ring);
	}
}

const struct peer peer_ck = {"ck_ring", "SPSC typed; reserve/commit in, copy out; no burst API",
			     create,	destroy,
			     produce,	consume,
			     ping,	pong};
