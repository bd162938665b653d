/* channel_bench: our SPSC ring against DPDK rte_ring and ck_ring, 64-byte
 * messages, producer and consumer pinned to different cores.
 *   throughput: n messages, single-message calls and bursts of 32 (Mmsg/s)
 *   round trip: ping-pong of one message over two rings (ns)
 *   floor:      one atomic bounced between the two cores (ns per round trip)
 * Each figure is taken over `reps` rounds of short runs; a round runs every
 * ring once. Printed: the best round (on a shared machine, the one nothing
 * disturbed) and the median round, the same way for every ring.
 * Usage: channel_bench [messages] [round_trips] [reps] [cpu_a] [cpu_b] [only]
 * (`only`: run just the rings whose name contains this text)
 * Not a test: it prints numbers and fails only if a message arrives wrong. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "floor.h"

static int cpu_a = 0, cpu_b = 1;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		fprintf(stderr, "bench| cannot pin to cpu %d (numbers will be noisy)\n", cpu);
}

/* The second thread of a measurement, pinned to cpu_b. */
struct job {
	const struct peer *peer;
	void *r1, *r2;
	uint64_t n;
	unsigned burst;
	int kind; /* 0 produce, 1 pong, 2 floor pong */
	_Atomic int go;
};

static void *second(void *arg)
{
	struct job *j = arg;

	pin(cpu_b);
	while (!atomic_load(&j->go))
		;
	if (j->kind == 0)
		j->peer->produce(j->r1, j->n, j->burst);
	else if (j->kind == 1)
		j->peer->pong(j->r1, j->r2, j->n);
	else
		floor_pong(j->n);
	return NULL;
}

static uint64_t bad_total;

/* Runs one measurement; returns elapsed ns on this (cpu_a) thread. */
static uint64_t run(struct job *j)
{
	pthread_t t;
	uint64_t t0, t1;

	atomic_store(&j->go, 0);
	pthread_create(&t, NULL, second, j);
	t0 = now_ns();
	atomic_store(&j->go, 1);
	if (j->kind == 0)
		bad_total += j->peer->consume(j->r1, j->n, j->burst);
	else if (j->kind == 1)
		bad_total += j->peer->ping(j->r1, j->r2, j->n);
	else
		floor_ping(j->n);
	t1 = now_ns();
	pthread_join(t, NULL);
	return t1 - t0;
}

#define MAX_REPS 101

static int reps = 31;

static double throughput1(const struct peer *p, uint64_t n, unsigned burst)
{
	struct job j = {.peer = p, .r1 = p->create(), .n = n, .burst = burst, .kind = 0};
	uint64_t ns = run(&j);

	p->destroy(j.r1);
	return (double)n * 1e3 / (double)ns; /* Mmsg/s */
}

static double round_trip1(const struct peer *p, uint64_t n)
{
	/* r1 carries ping -> pong, r2 the reply. */
	struct job j = {.peer = p, .r1 = p->create(), .r2 = p->create(), .n = n, .kind = 1};
	uint64_t ns = run(&j);

	p->destroy(j.r1);
	p->destroy(j.r2);
	return (double)ns / (double)n;
}

static double floor1(uint64_t n)
{
	struct job j = {.n = n, .kind = 2};

	floor_reset();
	return (double)run(&j) / (double)n;
}

/* Samples of one figure; best = max (higher_better) or min. */
struct fig {
	double v[MAX_REPS];
	int n;
};

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double best(struct fig *f, int higher_better)
{
	qsort(f->v, (size_t)f->n, sizeof(double), cmp);
	return higher_better ? f->v[f->n - 1] : f->v[0];
}

static double median(struct fig *f)
{
	qsort(f->v, (size_t)f->n, sizeof(double), cmp);
	return f->v[f->n / 2];
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 250000ull;
	uint64_t rt = argc > 2 ? strtoull(argv[2], NULL, 0) : 10000ull;
	/* The headline (ratios and goals) is peers[0], the ring as shards use it. */
	const struct peer *peers[] = {&peer_tess_wake, &peer_tess, &peer_rte, &peer_rte_zc, &peer_ck};
	enum { NP = sizeof(peers) / sizeof(peers[0]) };
	unsigned np = NP;
	static struct fig single[NP], burst[NP], lat[NP], fl;
	double bs[NP] = {0}, bb[NP] = {0}, bl[NP] = {0}, bf;

	if (argc > 3)
		reps = atoi(argv[3]) < 1 ? 1 : atoi(argv[3]) > MAX_REPS ? MAX_REPS : atoi(argv[3]);
	if (argc > 4)
		cpu_a = atoi(argv[4]);
	if (argc > 5)
		cpu_b = atoi(argv[5]);
	if (argc > 6) {
		unsigned k = 0;
		for (unsigned i = 0; i < np; i++)
			if (strstr(peers[i]->name, argv[6]))
				peers[k++] = peers[i];
		np = k;
	}
	pin(cpu_a);
	printf("bench| %llu messages of 64 bytes per throughput run, %llu round trips per latency run, "
	       "%d rounds, cpus %d/%d\n",
	       (unsigned long long)n, (unsigned long long)rt, reps, cpu_a, cpu_b);
	/* Rounds interleave the rings, so a disturbance (another process, the
	 * hypervisor moving a vCPU) hits them all alike rather than one ring. */
	for (int r = 0; r < reps; r++) {
		fl.v[fl.n++] = floor1(rt);
		for (unsigned i = 0; i < np; i++) {
			single[i].v[single[i].n++] = throughput1(peers[i], n, 1);
			burst[i].v[burst[i].n++] = throughput1(peers[i], n, BENCH_BURST);
			lat[i].v[lat[i].n++] = round_trip1(peers[i], rt);
		}
	}
	printf("%-14s %14s %14s %14s   %s\n", "best of rounds", "single Mmsg/s", "burst32 Mmsg/s",
	       "round trip ns", "api");
	for (unsigned i = 0; i < np; i++) {
		bs[i] = best(&single[i], 1);
		bb[i] = best(&burst[i], 1);
		bl[i] = best(&lat[i], 0);
		printf("%-14s %14.2f %14.2f %14.1f   %s\n", peers[i]->name, bs[i], bb[i], bl[i],
		       peers[i]->api);
	}
	bf = best(&fl, 0);
	printf("%-14s %14s %14s %14.1f   %s\n", "floor", "-", "-", bf,
	       "one atomic bounced between the cores");
	printf("%-14s %14s %14s %14s\n", "median", "single Mmsg/s", "burst32 Mmsg/s", "round trip ns");
	for (unsigned i = 0; i < np; i++)
		printf("%-14s %14.2f %14.2f %14.1f\n", peers[i]->name, median(&single[i]), median(&burst[i]),
		       median(&lat[i]));
	printf("%-14s %14s %14s %14.1f\n", "floor", "-", "-", median(&fl));
	printf("ratios of %s (best of rounds):\n", peers[0]->name);
	for (unsigned i = 1; i < np; i++)
		printf("  vs %-12s single x%.2f  burst32 x%.2f  round trip x%.2f (<1: faster)\n",
		       peers[i]->name, bs[0] / bs[i], bb[0] / bb[i], bl[0] / bl[i]);
	printf("  vs floor        round trip x%.2f (%+.0f%%)\n", bl[0] / bf, (bl[0] / bf - 1) * 100);
	for (unsigned i = 1; i < np; i++)
		if (peers[i] == &peer_rte)
			printf("goal (issue 14): %s >= x1.20 of rte_ring; "
			       "measured single x%.2f (%s), burst32 x%.2f (%s)\n",
			       peers[0]->name, bs[0] / bs[i], bs[0] / bs[i] >= 1.2 ? "met" : "NOT met",
			       bb[0] / bb[i], bb[0] / bb[i] >= 1.2 ? "met" : "NOT met");
	if (bad_total) {
		printf("bench| %llu messages arrived wrong\n", (unsigned long long)bad_total);
		return 1;
	}
	return 0;
}
