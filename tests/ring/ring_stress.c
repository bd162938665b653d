/* Two-thread stress of <tessera/ring.h>: 64-byte messages carrying a
 * sequence number and a payload derived from it, produced and consumed in a
 * random mix of singles and bursts. The consumer checks order, no loss and
 * no duplication (every seq exactly once, in order, payload intact).
 * Phase 1 spins on empty/full; phase 2 sleeps through the ring's sleep
 * protocol with a latched "pending" flag standing in for the kernel's
 * notification bit, so a lost wakeup would hang the test (ctest timeout).
 * As in the shard runtime, commits and releases are plain release stores
 * and each side checks whether its peer sleeps only at the end of an
 * "entry": a random run of operations, and always before it sleeps.
 * Phase 3 makes one end hostile (see "Hostile peer" below). */
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/ring.h>
#include "check.h"

#define SLOTS 256
#define BURST 32

struct msg {
	uint64_t seq;
	uint64_t word[7]; /* word[i] = seq * (i + 3) */
};

static alignas(4096) uint8_t mem[TESS_CHAN_HDR_SIZE + SLOTS * sizeof(struct msg)];
static uint64_t total;
static int sleepy;
/* Stand-ins for the kernel's latched notification bits of each end. */
static _Atomic int cons_pending, prod_pending;
static _Atomic uint64_t notifies, sleeps;

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* Spinning on a ring that stays empty/full: give the CPU away now and then,
 * so the peer thread gets to run on a loaded (or single-core) machine. */
static void backoff(unsigned *misses)
{
	if (++*misses % 64 == 0)
		sched_yield();
}

static void notify(_Atomic int *pending)
{
	atomic_fetch_add_explicit(&notifies, 1, memory_order_relaxed);
	atomic_store_explicit(pending, 1, memory_order_release);
}

/* The end of an entry (ring.h "Sleep protocol"): if the side committed or
 * released since its last one and the peer sleeps, notify the peer. */
static void prod_end_entry(struct tess_ring_prod *p, bool *moved)
{
	if (*moved && ring_prod_peer_sleeps(p))
		notify(&cons_pending);
	*moved = false;
}

static void cons_end_entry(struct tess_ring_cons *c, bool *moved)
{
	if (*moved && ring_cons_peer_sleeps(c))
		notify(&prod_pending);
	*moved = false;
}

/* Sleep until the peer's notification arrives (consumes it). */
static void sleep_on(_Atomic int *pending)
{
	atomic_fetch_add_explicit(&sleeps, 1, memory_order_relaxed);
	while (!atomic_exchange_explicit(pending, 0, memory_order_acquire))
		sched_yield();
}

static void *producer(void *arg)
{
	struct tess_ring_prod p = {0};
	uint32_t s = 1;
	uint64_t seq = 0;
	unsigned misses = 0;
	bool moved = false;
	void *slots[BURST];

	(void)arg;
	ring_prod_attach(&p, mem);
	while (seq < total) {
		unsigned want = rnd(&s) % 3 == 0 ? 1 : 1 + rnd(&s) % BURST;
		unsigned n;

		if (want > total - seq)
			want = (unsigned)(total - seq);
		if (want == 1)
			n = (slots[0] = ring_reserve(&p)) != NULL;
		else
			n = ring_reserve_burst(&p, slots, want);
		if (n == 0) {
			if (sleepy)
				prod_end_entry(&p, &moved);
			if (sleepy && ring_prod_prepare_wait(&p))
				sleep_on(&prod_pending);
			else
				backoff(&misses);
			continue;
		}
		for (unsigned i = 0; i < n; i++, seq++) {
			struct msg *m = slots[i];
			m->seq = seq;
			for (unsigned w = 0; w < 7; w++)
				m->word[w] = seq * (w + 3);
		}
		ring_commit(&p, n);
		moved = true;
		if (sleepy && rnd(&s) % 4 == 0)
			prod_end_entry(&p, &moved);
	}
	if (sleepy)
		prod_end_entry(&p, &moved);
	return NULL;
}

static void consume(void)
{
	struct tess_ring_cons c = {0};
	uint32_t s = 7;
	uint64_t expect = 0, bad = 0;
	unsigned misses = 0;
	bool moved = false;
	void *slots[BURST];

	ring_cons_attach(&c, mem);
	while (expect < total) {
		unsigned want = rnd(&s) % 3 == 0 ? 1 : 1 + rnd(&s) % BURST;
		unsigned n;

		if (want == 1)
			n = (slots[0] = ring_peek(&c)) != NULL;
		else
			n = ring_peek_burst(&c, slots, want);
		if (n == 0) {
			if (sleepy)
				cons_end_entry(&c, &moved);
			if (sleepy && ring_cons_prepare_wait(&c))
				sleep_on(&cons_pending);
			else
				backoff(&misses);
			continue;
		}
		for (unsigned i = 0; i < n; i++, expect++) {
			const struct msg *m = slots[i];
			int ok = m->seq == expect;
			for (unsigned w = 0; w < 7; w++)
				ok &= m->word[w] == expect * (w + 3);
			if (!ok && bad++ < 5)
				fprintf(stderr, "bad message: expected seq %llu got %llu\n",
					(unsigned long long)expect, (unsigned long long)m->seq);
		}
		ring_release(&c, n);
		moved = true;
		if (sleepy && rnd(&s) % 4 == 0)
			cons_end_entry(&c, &moved);
	}
	CHECK(bad == 0);
	CHECK(expect == total);
	CHECK(ring_peek(&c) == NULL); /* nothing beyond the last message */
}

static void phase(uint64_t n, int with_sleep)
{
	pthread_t t;

	ring_init(mem, SLOTS, sizeof(struct msg));
	total = n;
	sleepy = with_sleep;
	atomic_store(&cons_pending, 0);
	atomic_store(&prod_pending, 0);
	pthread_create(&t, NULL, producer, NULL);
	consume();
	pthread_join(t, NULL);
	printf("ring_stress| %llu messages, %s: ok\n", (unsigned long long)n,
	       with_sleep ? "sleep protocol" : "spinning");
}

/* ---- Hostile peer ----
 * One end is honest (the victim, this thread); the other (a thread) moves
 * the ring honestly but once per round, at a random message, publishes a
 * bogus index for a moment and then its true one again, racing the victim:
 * 2^31 ahead, past the victim's own index, or one step back. The victim
 * either never read the bogus value (the round completes: every message
 * once) or stopped at it (ring.h "Trust"); either way every message it or
 * the honest side saw is the next in order and intact (no stale slot
 * delivered, no unreleased slot overwritten), and a stopped end writes no
 * shared byte any more. */
static struct {
	_Atomic int victim_stopped, done;
	_Atomic uint32_t bogus; /* the value the hostile side published */
	uint32_t seed;
	uint64_t total;
	uint64_t consumed, bad; /* hostile consumer's findings */
} H;

static uint32_t bogus_index(uint32_t own, uint32_t *s)
{
	switch (rnd(s) % 3) {
	case 0:
		return own + 0x80000000u;
	case 1:
		return own + SLOTS + 1 + rnd(s) % SLOTS; /* beyond any honest window */
	default:
		return own - 1 - rnd(s) % 4; /* back: bogus if the victim saw `own` */
	}
}

static void flash(_Atomic uint32_t *line, uint32_t real, uint32_t *s)
{
	uint32_t b = bogus_index(real, s);
	/* Mostly until the victim has looked (up to a few ms), sometimes a
	 * blink. */
	unsigned spin = rnd(s) % 4 ? 4000000 : rnd(s) % 256;

	atomic_store_explicit(&H.bogus, b, memory_order_relaxed);
	atomic_store_explicit(line, b, memory_order_release);
	for (unsigned i = 0; i < spin && !atomic_load_explicit(&H.victim_stopped, memory_order_relaxed); i++)
		;
	atomic_store_explicit(line, real, memory_order_release);
}

static void fill(struct msg *m, uint64_t seq)
{
	m->seq = seq;
	for (unsigned w = 0; w < 7; w++)
		m->word[w] = seq * (w + 3);
}

static int intact(const struct msg *m, uint64_t seq)
{
	int ok = m->seq == seq;

	for (unsigned w = 0; w < 7; w++)
		ok &= m->word[w] == seq * (w + 3);
	return ok;
}

/* One reserve of up to a random burst (no more than is left), filled and
 * committed; how many. */
static unsigned put_some(struct tess_ring_prod *p, uint32_t *s, uint64_t *seq)
{
	void *slots[BURST];
	unsigned n = ring_reserve_burst(p, slots, 1 + rnd(s) % BURST);

	if (n > H.total - *seq)
		n = (unsigned)(H.total - *seq);
	for (unsigned i = 0; i < n; i++, (*seq)++)
		fill(slots[i], *seq);
	if (n)
		ring_commit(p, n);
	return n;
}

/* One peek of up to a random burst, every message checked, released; how
 * many. */
static unsigned take_some(struct tess_ring_cons *c, uint32_t *s, uint64_t *expect)
{
	void *slots[BURST];
	unsigned n = ring_peek_burst(c, slots, 1 + rnd(s) % BURST);

	for (unsigned i = 0; i < n; i++, (*expect)++)
		H.bad += !intact(slots[i], *expect);
	if (n)
		ring_release(c, n);
	return n;
}

/* Hostile producer: honest commits, one flash of head. */
static void *hostile_producer(void *arg)
{
	struct tess_ring_prod p = {0};
	uint32_t s = H.seed;
	uint64_t seq = 0, at = rnd(&s) % H.total;
	unsigned misses = 0;

	(void)arg;
	ring_prod_attach(&p, mem);
	while (seq < H.total && !atomic_load(&H.victim_stopped)) {
		if (put_some(&p, &s, &seq) == 0)
			backoff(&misses);
		else if (seq > at && at != UINT64_MAX) {
			flash(&p.shm->head, p.head, &s);
			at = UINT64_MAX;
		}
	}
	return NULL;
}

static void victim_consumer_round(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;
	struct tess_ring_cons c = {0};
	uint32_t s = H.seed * 7 + 1;
	uint64_t expect = 0;
	unsigned misses = 0;
	pthread_t t;

	ring_init(mem, SLOTS, sizeof(struct msg));
	ring_cons_open(&c, mem, SLOTS, sizeof(struct msg));
	pthread_create(&t, NULL, hostile_producer, NULL);
	while (expect < H.total && !c.stopped)
		if (take_some(&c, &s, &expect) == 0)
			backoff(&misses);
	if (c.stopped) {
		uint32_t tail = atomic_load(&r->tail);

		atomic_store(&H.victim_stopped, 1);
		pthread_join(t, NULL);
		CHECK(c.bad_index == atomic_load(&H.bogus));
		CHECK(atomic_load(&r->tail) == tail && tail == c.tail);
		CHECK(ring_peek(&c) == NULL); /* stays empty */
	} else {
		pthread_join(t, NULL);
	}
	CHECK(expect <= H.total);
	H.consumed += expect;
}

/* Hostile consumer: honest reads and releases (checking every message),
 * one flash of tail. */
static void *hostile_consumer(void *arg)
{
	struct tess_ring_cons c = {0};
	uint32_t s = H.seed;
	uint64_t expect = 0, at = rnd(&s) % H.total;
	unsigned misses = 0;

	(void)arg;
	ring_cons_attach(&c, mem);
	for (;;) {
		if (take_some(&c, &s, &expect) == 0) {
			/* The producer is done (or stopped) and all it committed is read. */
			if (atomic_load(&H.done) && c.tail == atomic_load(&c.shm->head))
				break;
			backoff(&misses);
		} else if (expect > at && at != UINT64_MAX) {
			flash(&c.shm->tail, c.tail, &s);
			at = UINT64_MAX;
		}
	}
	H.consumed += expect;
	return NULL;
}

static void victim_producer_round(void)
{
	struct tess_ring_prod p = {0};
	uint32_t s = H.seed * 7 + 1;
	uint64_t seq = 0;
	unsigned misses = 0;
	pthread_t t;

	ring_init(mem, SLOTS, sizeof(struct msg));
	ring_prod_open(&p, mem, SLOTS, sizeof(struct msg));
	pthread_create(&t, NULL, hostile_consumer, NULL);
	while (seq < H.total && !p.stopped)
		if (put_some(&p, &s, &seq) == 0)
			backoff(&misses);
	if (p.stopped)
		atomic_store(&H.victim_stopped, 1);
	atomic_store(&H.done, 1);
	pthread_join(t, NULL);
	if (p.stopped) {
		CHECK(p.bad_index == atomic_load(&H.bogus));
		/* published nothing after */
		CHECK(atomic_load(&((struct tess_ring_shm *)mem)->head) == p.head);
	}
	CHECK(H.consumed == seq); /* read back exactly what was committed */
}

static void hostile_phase(unsigned rounds, uint64_t per_round)
{
	unsigned stops[2] = {0, 0};
	uint64_t consumed = 0;

	for (unsigned r = 0; r < rounds; r++) {
		int victim_is_consumer = r % 2 == 0;

		memset(&H, 0, sizeof H);
		H.seed = 1000 + r;
		H.total = per_round;
		if (victim_is_consumer)
			victim_consumer_round();
		else
			victim_producer_round();
		stops[!victim_is_consumer] += atomic_load(&H.victim_stopped);
		consumed += H.consumed;
		CHECK(H.bad == 0);
	}
	printf("ring_stress| hostile peer: %u rounds, victim stopped %u times as consumer, %u as producer, "
	       "%llu messages all in order: %s\n",
	       rounds, stops[0], stops[1], (unsigned long long)consumed, check_failed ? "FAILED" : "ok");
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000ull;

	phase(n, 0);
	phase(n / 5, 1);
	hostile_phase(400, 5000);
	printf("ring_stress| sleep phase: %llu sleeps, %llu notifies\n", (unsigned long long)sleeps,
	       (unsigned long long)notifies);
	return check_summary();
}
