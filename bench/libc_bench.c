/* libc_bench: kern/libc's memcpy and memset (word at a time) against the
 * byte loops they replaced, on the host, both compiled the way target
 * images compile them (freestanding, no builtins, no SIMD registers; see
 * bench/CMakeLists.txt). Cases: source and destination word-aligned;
 * both 3 bytes past a word (aligned middle, byte head and tail); source 1
 * byte past the destination's alignment (kern/libc falls back to bytes).
 *
 * Natively it prints ns per call (best of ROUNDS rounds). Under callgrind
 * (bench/libc.sh) it runs each case CALLS times between CALLGRIND_ZERO_STATS
 * and CALLGRIND_DUMP_STATS_AT("<case> <bytes> <variant>"), so each dump's
 * instruction count / CALLS is the cost of one call, independent of the
 * machine's load. Not a test. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>
#include "libc_bench.h"

#define ROUNDS 7
#define BYTES  (32u << 20) /* moved per round and variant */
#define CALLS  16	   /* per case under callgrind */

static _Alignas(64) unsigned char src[(256u << 10) + 64], dst[(256u << 10) + 64];

struct variant {
	const char *name;
	void *(*cpy)(void *restrict, const void *restrict, size_t);
	void *(*set)(void *, int, size_t);
};

static const struct variant variants[] = {
	{"bytes", bytes_memcpy, bytes_memset},
	{"kern/libc", memcpy, memset},
};

struct kase {
	const char *name;
	unsigned doff, soff; /* offsets from 64-byte alignment; set: doff only */
	int set;
};

static const struct kase cases[] = {
	{"memcpy aligned", 0, 0, 0}, {"memcpy +3/+3", 3, 3, 0}, {"memcpy +0/+1", 0, 1, 0},
	{"memset aligned", 0, 0, 1}, {"memset +3", 3, 0, 1},
};

static const size_t sizes[] = {16, 256, 4096, 65536, 262144};

static void run(const struct variant *v, const struct kase *k, size_t n, unsigned long calls)
{
	for (unsigned long i = 0; i < calls; i++) {
		if (k->set)
			v->set(dst + k->doff, (int)i, n);
		else
			v->cpy(dst + k->doff, src + k->soff, n);
	}
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(void)
{
	const size_t nv = sizeof(variants) / sizeof(variants[0]);

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7);
	if (RUNNING_ON_VALGRIND) {
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
			for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
				for (size_t v = 0; v < nv; v++) {
					char label[64];

					snprintf(label, sizeof(label), "%s %zu %s", cases[c].name, sizes[s],
						 variants[v].name);
					CALLGRIND_ZERO_STATS;
					run(&variants[v], &cases[c], sizes[s], CALLS);
					CALLGRIND_DUMP_STATS_AT(label);
				}
		return 0;
	}
	printf("%-16s %7s %12s %12s %7s\n", "ns per call", "bytes", variants[0].name, variants[1].name,
	       "ratio");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			unsigned long calls = BYTES / sizes[s];
			double best[2] = {1e30, 1e30};

			for (unsigned r = 0; r < ROUNDS; r++)
				for (size_t v = 0; v < nv; v++) {
					double t0 = now_ns(), t;

					run(&variants[v], &cases[c], sizes[s], calls);
					t = (now_ns() - t0) / (double)calls;
					if (t < best[v])
						best[v] = t;
				}
			printf("%-16s %7zu %12.1f %12.1f %6.1fx\n", cases[c].name, sizes[s], best[0], best[1],
			       best[0] / best[1]);
		}
	return 0;
}
