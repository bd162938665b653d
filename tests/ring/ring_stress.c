/* Two-thread stress of <tessera/ring.h>: 64-byte messages carrying a
 * sequence number and a payload derived from it, produced and consumed in a
 * random mix of singles and bursts. The consumer checks order, no loss and
 * no duplication (every seq exactly once, in order, payload intact).
 * Phase 1 spins on empty/full; phase 2 sleeps through the ring's sleep
 * protocol with a latched "pending" flag standing in for the kernel's
 * notification bit, so a lost wakeup would hang the test (ctest timeout). */
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Sleep until the peer's notification arrives (consumes it). */
static void sleep_on(_Atomic int *pending)
{
	atomic_fetch_add_explicit(&sleeps, 1, memory_order_relaxed);
	while (!atomic_exchange_explicit(pending, 0, memory_order_acquire))
		sched_yield();
}

static void *producer(void *arg)
{
	struct tess_ring_prod p;
	uint32_t s = 1;
	uint64_t seq = 0;
	unsigned misses = 0;
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
		if (!sleepy) {
			ring_commit(&p, n);
		} else if (ring_commit_wake(&p, n)) {
			atomic_fetch_add_explicit(&notifies, 1, memory_order_relaxed);
			atomic_store_explicit(&cons_pending, 1, memory_order_release);
		}
	}
	return NULL;
}

static void consume(void)
{
	struct tess_ring_cons c;
	uint32_t s = 7;
	uint64_t expect = 0, bad = 0;
	unsigned misses = 0;
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
		if (!sleepy) {
			ring_release(&c, n);
		} else if (ring_release_wake(&c, n)) {
			atomic_fetch_add_explicit(&notifies, 1, memory_order_relaxed);
			atomic_store_explicit(&prod_pending, 1, memory_order_release);
		}
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

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000ull;

	phase(n, 0);
	phase(n / 5, 1);
	printf("ring_stress| sleep phase: %llu sleeps, %llu notifies\n", (unsigned long long)sleeps,
	       (unsigned long long)notifies);
	return check_summary();
}
