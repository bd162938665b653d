/* Our ring (<tessera/ring.h>), zero-copy: messages are written into and read
 * from the slots in place. The raw ring is measured (commit/release without
 * the sleep protocol's fence), like the peers, which have no sleep protocol;
 * the "tessera+wake" variant adds the protocol, to show what it costs. */
#include <stdbool.h>
#include <stdlib.h>
#include <tessera/ring.h>
#include "bench.h"

struct tring {
	struct tess_ring_prod p;
	struct tess_ring_cons c;
	void *mem;
};

/* With `wake`, every commit/release also runs the sleep protocol's check
 * (seq_cst fence + load of the peer's waiting flag), as the runtime does. */
static inline void commit(struct tess_ring_prod *p, unsigned n, bool wake)
{
	if (wake)
		(void)ring_commit_wake(p, n);
	else
		ring_commit(p, n);
}

static inline void release(struct tess_ring_cons *c, unsigned n, bool wake)
{
	if (wake)
		(void)ring_release_wake(c, n);
	else
		ring_release(c, n);
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

static inline void produce_g(void *ring, uint64_t n, unsigned burst, bool wake)
{
	struct tess_ring_prod *p = &((struct tring *)ring)->p;
	void *s[BENCH_BURST];

	for (uint64_t seq = 0; seq < n;) {
		if (burst == 1) {
			struct msg *m = ring_reserve(p);
			if (!m)
				continue;
			msg_fill(m, seq++);
			commit(p, 1, wake);
			continue;
		}
		unsigned k = ring_reserve_burst(p, s, n - seq < burst ? (unsigned)(n - seq) : burst);
		for (unsigned i = 0; i < k; i++)
			msg_fill(s[i], seq++);
		if (k)
			commit(p, k, wake);
	}
}

static inline uint64_t consume_g(void *ring, uint64_t n, unsigned burst, bool wake)
{
	struct tess_ring_cons *c = &((struct tring *)ring)->c;
	void *s[BENCH_BURST];
	uint64_t bad = 0;

	for (uint64_t seq = 0; seq < n;) {
		if (burst == 1) {
			const struct msg *m = ring_peek(c);
			if (!m)
				continue;
			bad += msg_check(m, seq++) != 0;
			release(c, 1, wake);
			continue;
		}
		unsigned k = ring_peek_burst(c, s, burst);
		for (unsigned i = 0; i < k; i++)
			bad += msg_check(s[i], seq++) != 0;
		if (k)
			release(c, k, wake);
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
		commit(p, 1, wake);
		const struct msg *r;
		while (!(r = ring_peek(c)))
			;
		bad += msg_check(r, seq) != 0;
		release(c, 1, wake);
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
		release(c, 1, wake);
		commit(p, 1, wake);
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
const struct peer peer_tess_wake = {"tessera+wake", "as above + sleep-protocol check per commit/release",
				    create,	    destroy,
				    produce_wake,   consume_wake,
				    ping_wake,	    pong_wake};
