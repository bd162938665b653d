/* pipeline_threads: the example packet pipeline's three stages (pktgen ->
 * filter -> sink, shards/examples) as plain threads of one process over
 * DPDK rte_ring: the peer of the simulator's demo (bench/sim_pipeline.py).
 * The same packet (struct pkt), the same work per packet (pktgen's fill,
 * the filter's copy and classification, the sink's sequence check), the
 * same ring geometry as manifest/examples/packet-pipeline.yaml (256 slots
 * of 64 bytes) and the same bounds per turn (one burst of PKT_BURST for
 * the generator, up to PKT_BURSTS_PER_ENTRY bursts for the others); each
 * thread pinned as the simulator pins the core it would run on (core n on
 * the (n mod k)-th CPU we may use), and calling sched_yield() when a turn
 * moved nothing. rte_ring's element API copies in and out (the rings have
 * no zero-copy path that would mirror the shards more closely; see
 * bench/README.md "Channel benchmark" for what that costs it).
 * Usage: pipeline_threads [seconds]; prints messages/s at the sink. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include "../shards/examples/common/pkt.h"

#define SLOTS 256
#define ESZ   sizeof(struct pkt)

static struct rte_ring *gen_to_filter, *filter_to_sink;
static _Atomic int stop;
static _Atomic uint64_t sunk; /* the sink's count, read by main */
static uint64_t gaps;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct rte_ring *ring(const char *name)
{
	ssize_t sz = rte_ring_get_memsize_elem(ESZ, SLOTS);
	struct rte_ring *r = aligned_alloc(4096, ((size_t)sz + 4095) & ~(size_t)4095);

	memset(r, 0, (size_t)sz);
	if (rte_ring_init(r, name, SLOTS, RING_F_SP_ENQ | RING_F_SC_DEQ) != 0)
		abort();
	return r;
}

/* Core n's host CPU, as sim/cores.c picks it. */
static void pin(unsigned core)
{
	cpu_set_t all, one;
	unsigned k = 0, n = 0, cpu;

	sched_getaffinity(0, sizeof all, &all);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		n += CPU_ISSET(cpu, &all) != 0;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &all) && k++ == core % n)
			break;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(0, sizeof one, &one);
}

/* pktgen's shard_poll: one burst of free slots, filled and sent. */
static void *gen(void *arg)
{
	struct pkt b[PKT_BURST];
	uint64_t next = 0;

	pin((unsigned)(uintptr_t)arg);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		unsigned n = rte_ring_free_count(gen_to_filter);

		if (n > PKT_BURST)
			n = PKT_BURST;
		for (unsigned i = 0; i < n; i++) {
			struct pkt *p = &b[i];
			uint64_t seq = next + i;

			p->seq = seq;
			p->len = sizeof(p->payload);
			p->flags = 0;
			for (unsigned k = 0; k < sizeof(p->payload); k++)
				p->payload[k] = (uint8_t)(seq + k);
		}
		if (n)
			next += rte_ring_sp_enqueue_burst_elem(gen_to_filter, b, ESZ, n, NULL);
		else
			sched_yield();
	}
	return NULL;
}

/* pkt_forward: up to PKT_BURSTS_PER_ENTRY bursts, no more than fits. */
static void *filter(void *arg)
{
	struct pkt b[PKT_BURST];

	pin((unsigned)(uintptr_t)arg);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		unsigned moved = 0;

		for (unsigned k = 0; k < PKT_BURSTS_PER_ENTRY; k++) {
			unsigned room = rte_ring_free_count(filter_to_sink), n;

			n = rte_ring_sc_dequeue_burst_elem(gen_to_filter, b, ESZ,
							   room < PKT_BURST ? room : PKT_BURST, NULL);
			if (n == 0)
				break;
			for (unsigned i = 0; i < n; i++)
				b[i].flags |= b[i].seq & 1 ? PKT_CLASS_ODD : PKT_CLASS_EVEN;
			rte_ring_sp_enqueue_burst_elem(filter_to_sink, b, ESZ, n, NULL);
			moved += n;
		}
		if (!moved)
			sched_yield();
	}
	return NULL;
}

/* pkt_consume with the sink's check. */
static void *sink(void *arg)
{
	struct pkt b[PKT_BURST];
	uint64_t expected = 0;

	pin((unsigned)(uintptr_t)arg);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		unsigned moved = 0, n;

		for (unsigned k = 0;
		     k < PKT_BURSTS_PER_ENTRY &&
		     (n = rte_ring_sc_dequeue_burst_elem(filter_to_sink, b, ESZ, PKT_BURST, NULL)) != 0;
		     k++) {
			for (unsigned i = 0; i < n; i++) {
				gaps += b[i].seq != expected;
				expected = b[i].seq + 1;
			}
			moved += n;
		}
		atomic_store_explicit(&sunk, expected, memory_order_relaxed);
		if (!moved)
			sched_yield();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5.0;
	void *(*stage[3])(void *) = {gen, filter, sink};
	pthread_t t[3];
	uint64_t t0, t1, n0, n1;
	struct timespec warm = {0, 200000000}, run;

	gen_to_filter = ring("gen_to_filter");
	filter_to_sink = ring("filter_to_sink");
	for (unsigned i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, stage[i], (void *)(uintptr_t)i);
	nanosleep(&warm, NULL); /* as the simulator's figure, past the start */
	n0 = atomic_load(&sunk);
	t0 = now_ns();
	run.tv_sec = (time_t)seconds;
	run.tv_nsec = (long)((seconds - (double)run.tv_sec) * 1e9);
	nanosleep(&run, NULL);
	n1 = atomic_load(&sunk);
	t1 = now_ns();
	atomic_store(&stop, 1);
	for (unsigned i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("pipeline_threads| %llu messages in %.3f s: %.0f msgs/s, %llu sequence gaps\n",
	       (unsigned long long)(n1 - n0), (double)(t1 - t0) / 1e9,
	       (double)(n1 - n0) * 1e9 / (double)(t1 - t0), (unsigned long long)gaps);
	return gaps != 0;
}
