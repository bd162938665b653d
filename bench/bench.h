/* The channel benchmark's common parts: the 64-byte message, the peer
 * interface each ring implementation fills in, and timing. Each peer
 * implements whole loops (not per-message callbacks) so every ring is
 * measured with its own operations fully inlined. */
#ifndef TESS_BENCH_H
#define TESS_BENCH_H

#include <stdint.h>
#include <time.h>

#define BENCH_SLOTS 1024 /* every ring gets the same 1024 x 64-byte capacity */
#define BENCH_BURST 32
/* Messages one "entry" of a shard moves at most (peer_tess.c "tessera+wake"):
 * the example shards' bound, PKT_BURSTS_PER_ENTRY bursts of PKT_BURST
 * (shards/examples/common/pkt.h). */
#define BENCH_ENTRY (8 * BENCH_BURST)

/* A 64-byte message: word 0 is the sequence number, the others derive from
 * it so the consumer can verify the whole message arrived intact. */
struct msg {
	uint64_t w[8];
};
_Static_assert(sizeof(struct msg) == 64, "64-byte messages");

static inline void msg_fill(struct msg *m, uint64_t seq)
{
	m->w[0] = seq;
	for (unsigned i = 1; i < 8; i++)
		m->w[i] = seq ^ i;
}

/* 0 if the message is the expected one, non-zero otherwise. Reads all 64
 * bytes, like a real consumer would. */
static inline uint64_t msg_check(const struct msg *m, uint64_t seq)
{
	uint64_t bad = m->w[0] ^ seq;

	for (unsigned i = 1; i < 8; i++)
		bad |= m->w[i] ^ (seq ^ i);
	return bad;
}

struct peer {
	const char *name;
	const char *api; /* how it was driven, for the table's footnote */
	void *(*create)(void);
	void (*destroy)(void *ring);
	/* Send messages 0..n-1, `burst` at a time (1: single-message calls). */
	void (*produce)(void *ring, uint64_t n, unsigned burst);
	/* Receive n messages, `burst` at a time; returns the number of bad ones. */
	uint64_t (*consume)(void *ring, uint64_t n, unsigned burst);
	/* Round trips: ping sends i on `to` and waits for it on `from`; pong
	 * echoes every message from `from` back on `to`. */
	uint64_t (*ping)(void *to, void *from, uint64_t n);
	void (*pong)(void *from, void *to, uint64_t n);
};

extern const struct peer peer_tess, peer_tess_wake, peer_rte, peer_rte_zc, peer_ck;

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
