/* Our ring (<tessera/ring.h>), zero-copy: messages are written into and read
 * from the slots in place. "tessera ring" is the raw ring, like the peers,
 * which have no sleep protocol; "tessera+wake" is the ring as the shard
 * runtime drives it (shards/runtime/channel.c): plain commits and releases,
 * and at the end of every entry one check whether the peer sleeps
 * (ring_prod_peer_sleeps / ring_cons_peer_sleeps: a fence and a load of the
 * peer's flag). An entry here is what an example shard does per turn: up to
 * BENCH_ENTRY messages (in single-message calls or in bursts), ended early
 * by a full or empty ring; a round trip's entry is its one message. */
#include <stdbool.h>
#include <stdlib.h>
#include <tessera/ring.h>
#include "bench.h"

struct tring {
	struct tess_ring_prod p;
	struct tess_ring_cons c;
	void *mem;
};

/* The end of an entry that moved something (wake: the runtime's check). */
static inline void prod_entry_end(struct tess_ring_prod *p, bool wake)
{
	if (wake)
		(void)ring_prod_peer_sleeps(p);
}

static inline void cons_entry_end(struct tess_ring_cons *c, bool wake)
{
	if (wake)
		(void)ring_cons_peer_sleeps(c);
}

static void *create(void)
{
	struct tring *t = calloc(1, sizeof(*t));

	t->mem = aligned_alloc(4096, ring_bytes(BENCH_SLOTS, sizeof(struct msg)));
	ring_init(t->mem, BENCH_SLOTS, sizeof(struct msg));
	ring_prod_attach(&t->p, t->mem);
	ring_cons_attach(&t->c, t->mem);
	return t;
}

static void destroy(void *ring)
{
	struct tring *t = ring;

	free(t->mem);
	free(t);
}

/* One call's worth of messages from *seq on (at most `want`); how many. */
static inline unsigned produce_call(struct tess_ring_prod *p, uint64_t *seq, unsigned want, unsigned burst)
{
	void *s[BENCH_BURST];
	unsigned k;

	if (burst == 1) {
		struct msg *m = ring_reserve(p);
		if (!m)
			return 0;
		msg_fill(m, (*seq)++);
		ring_commit(p, 1);
		return 1;
	}
	k = ring_reserve_burst(p, s, want < burst ? want : burst);
	for (unsigned i = 0; i < k; i++)
		msg_fill(s[i], (*seq)++);
	if (k)
		ring_commit(p, k);
	return k;
}

static inline void produce_g(void *ring, uint64_t n, unsigned burst, bool wake)
{
	struct tess_ring_prod *p = &((struct tring *)ring)->p;

	for (uint64_t seq = 0; seq < n;) {
		/* One entry: until BENCH_ENTRY messages, the end, or a full ring. */
		unsigned moved = 0, k;
		uint64_t left = n - seq;
		unsigned want = left < BENCH_ENTRY ? (unsigned)left : BENCH_ENTRY;

		while (moved < want && (k = produce_call(p, &seq, want - moved, burst)) != 0)
			moved += k;
		if (moved)
			prod_entry_end(p, wake);
	}
}

/* The mirror of produce_call; adds the bad messages. */
static inline unsigned consume_call(struct tess_ring_cons *c, uint64_t *seq, unsigned burst, uint64_t *bad)
{
	void *s[BENCH_BURST];
	unsigned k;

	if (burst == 1) {
		const struct msg *m = ring_peek(c);
		if (!m)
			return 0;
		*bad += msg_check(m, (*seq)++) != 0;
		ring_release(c, 1);
		return 1;
	}
	k = ring_peek_burst(c, s, burst);
	for (unsigned i = 0; i < k; i++)
		*bad += msg_check(s[i], (*seq)++) != 0;
	if (k)
		ring_release(c, k);
	return k;
}

static inline uint64_t consume_g(void *ring, uint64_t n, unsigned burst, bool wake)
{
	struct tess_ring_cons *c = &((struct tring *)ring)->c;
	uint64_t bad = 0;

	for (uint64_t seq = 0; seq < n;) {
		unsigned moved = 0, k;

		while (moved < BENCH_ENTRY && (k = consume_call(c, &seq, burst, &bad)) != 0)
			moved += k;
		if (moved)
			cons_entry_end(c, wake);
	}
	return bad;
}

static inline uint64_t ping_g(void *to, void *from, uint64_t n, bool wake)
{
	struct tess_ring_prod *p = &((struct tring *)to)->p;
	struct tess_ring_cons *c = &((struct tring *)from)->c;
	uint64_t bad = 0;

	for (uint64_t seq = 0; seq < n; seq++) {
		struct msg *m;
		while (!(m = ring_reserve(p)))
			;
		msg_fill(m, seq);
		ring_commit(p, 1);
		prod_entry_end(p, wake);
		const struct msg *r;
		while (!(r = ring_peek(c)))
			;
		bad += msg_check(r, seq) != 0;
		ring_release(c, 1);
		cons_entry_end(c, wake);
	}
	return bad;
}

static inline void pong_g(void *from, void *to, uint64_t n, bool wake)
{
	struct tess_ring_cons *c = &((struct tring *)from)->c;
	struct tess_ring_prod *p = &((struct tring *)to)->p;

	for (uint64_t i = 0; i < n; i++) {
		const struct msg *r;
		struct msg *m;
		while (!(r = ring_peek(c)))
			;
		while (!(m = ring_reserve(p)))
			;
		*m = *r;
		ring_release(c, 1);
		ring_commit(p, 1);
		cons_entry_end(c, wake);
		prod_entry_end(p, wake);
	}
}

#define VARIANT(sfx, wake)                                                                                   \
	static void produce_##sfx(void *r, uint64_t n, unsigned b)                                           \
	{                                                                                                    \
		produce_g(r, n, b, wake);                                                                    \
	}                                                                                                    \
	static uint64_t consume_##sfx(void *r, uint64_t n, unsigned b)                                       \
	{                                                                                                    \
		return consume_g(r, n, b, wake);                                                             \
	}                                                                                                    \
	static uint64_t ping_##sfx(void *to, void *from, uint64_t n)                                         \
	{                                                                                                    \
		return ping_g(to, from, n, wake);                                                            \
	}                                                                                                    \
	static void pong_##sfx(void *from, void *to, uint64_t n)                                             \
	{                                                                                                    \
		pong_g(from, to, n, wake);                                                                   \
	}

VARIANT(raw, false)
VARIANT(wake, true)

const struct peer peer_tess = {"tessera ring", "reserve/commit, peek/release (zero-copy)",
			       create,	       destroy,
			       produce_raw,    consume_raw,
			       ping_raw,       pong_raw};
const struct peer peer_tess_wake = {"tessera+wake", "as the runtime: + peer-sleeps check per entry",
				    create,	    destroy,
				    produce_wake,   consume_wake,
				    ping_wake,	    pong_wake};
