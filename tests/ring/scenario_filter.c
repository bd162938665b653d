/* The filter example between a bursty feeder and a slow, stalling drain:
 * every packet arrives once, in order, classified; the filter never spins on
 * a full output (it sleeps and is woken by the drain), and no wakeup is lost
 * (a lost one stalls the pipeline, reported as a deadlock). */
#include <stdlib.h>
#include "../../shards/examples/common/pkt.h"
#include "check.h"
#include "harness.h"

#define TOTAL 20000u

static uint64_t fed, got, spins, stalls, feed_arms, drain_arms;
static uint32_t seed = 12345;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 16;
}

static uint32_t used(struct tess_ring_shm *r)
{
	return atomic_load(&r->head) - atomic_load(&r->tail);
}

static unsigned feed(unsigned max)
{
	void *s[PKT_BURST];
	unsigned n = ring_reserve_burst(&H.feed, s, max);

	if (n > TOTAL - fed)
		n = (unsigned)(TOTAL - fed);
	if (max && n == 0 && fed < TOTAL && ring_prod_prepare_wait(&H.feed))
		feed_arms++; /* full: the feeder "sleeps", the filter must notify */
	for (unsigned i = 0; i < n; i++) {
		struct pkt *p = s[i];
		p->seq = fed++;
		p->len = 48;
		p->flags = 0;
	}
	if (n)
		harness_feed_commit(n);
	return n;
}

static unsigned drain(unsigned max)
{
	void *s[PKT_BURST];
	unsigned n = ring_peek_burst(&H.drain, s, max);

	if (max && n == 0 && ring_cons_prepare_wait(&H.drain))
		drain_arms++; /* empty: the drain "sleeps", the filter must notify */
	for (unsigned i = 0; i < n; i++, got++) {
		const struct pkt *p = s[i];
		CHECK(p->seq == got);
		CHECK(p->flags == (got & 1 ? PKT_CLASS_ODD : PKT_CLASS_EVEN));
	}
	if (n)
		harness_drain_release(n);
	return n;
}

static void finish(void)
{
	CHECK(got == TOTAL);
	CHECK(spins == 0);
	CHECK(stalls == 0);
	CHECK(H.notifies[0] > 0 && H.notifies[1] > 0);			  /* both wakeup directions used */
	CHECK(H.notifies[0] <= feed_arms && H.notifies[1] <= drain_arms); /* at most one per sleep */
	printf("scenario_filter| %llu packets, %llu waits, %llu polls, notifies in=%llu/%llu out=%llu/%llu\n",
	       (unsigned long long)got, (unsigned long long)H.waits, (unsigned long long)H.polls,
	       (unsigned long long)H.notifies[0], (unsigned long long)feed_arms,
	       (unsigned long long)H.notifies[1], (unsigned long long)drain_arms);
	exit(check_summary());
}

void scenario_start(void)
{
}

void scenario_yield(bool wait)
{
	/* A poll turn while the output is full and input waits is a spin. */
	if (!wait && used(H.feed.shm) > 0 && used(H.drain.shm) == STANDIN_SLOTS)
		spins++;
	/* Drain stalls for a while every so often, to force back-pressure. */
	unsigned d = rnd() % 4 == 0 ? 0 : rnd() % 6;
	feed(rnd() % 12);
	drain(d);
	if (!wait)
		return;
	/* The shard sleeps: keep acting as the peers until it is notified. */
	while (!H.pending) {
		unsigned moved = feed(1 + rnd() % 12) + drain(1 + rnd() % 6);
		if (got == TOTAL)
			finish();
		if (moved == 0) {
			stalls++;
			fprintf(stderr, "scenario_filter| deadlock: shard sleeps, fed %llu got %llu\n",
				(unsigned long long)fed, (unsigned long long)got);
			finish();
		}
	}
}
