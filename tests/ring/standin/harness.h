/* A one-shard stand-in for the kernel and the peers, for tests/ring: the
 * shard under test runs the real runtime loop; tess_syscall() (harness.c)
 * plays the kernel, and a scenario (scenario_*.c) plays the shards at the
 * other ends of its channels, acting whenever the shard yields. */
#ifndef TESS_HARNESS_H
#define TESS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/ring.h>
#include "standin.h"

#define HARNESS_MAX_LINES 64

struct harness {
	struct tess_ring_prod feed;  /* peer producing into the shard's "in" (bit 0) */
	struct tess_ring_cons drain; /* peer consuming the shard's "out" (bit 1) */
	uint64_t pending;	     /* notification bits latched for the shard */
	uint64_t notifies[2];	     /* NOTIFY calls made by the shard, per bit */
	uint64_t waits, polls, now_ns;
	unsigned nlines;
	char lines[HARNESS_MAX_LINES][TESS_CONSOLE_BUF];
};

extern struct harness H;

/* The peer commits/releases through these: they latch the shard's bit when
 * the ring protocol says it sleeps, like the kernel's NOTIFY. */
void harness_feed_commit(unsigned n);
void harness_drain_release(unsigned n);
/* Restart the shard from the top of tess_runtime_main (longjmp). */
void harness_restart(void) __attribute__((noreturn));
/* Index of the first console line equal to `line`, or -1. */
int harness_find_line(const char *line);

/* Provided by each scenario. */
void scenario_start(void);
/* The shard yielded with `wait` true (WAIT) or false (POLL). Act as the
 * peers; return normally to resume the shard, or exit() to end the test. */
void scenario_yield(bool wait);

#endif
