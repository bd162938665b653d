/* The kernel stand-in of tests/ring (see harness.h). */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/runtime.h>
#include <tessera/shard.h>
#include "harness.h"

struct harness H;
static jmp_buf restart_point;

/* Each peer's commit or release is a whole entry of its own: it checks
 * at once whether the shard sleeps on the ring (ring.h "Sleep protocol"). */
void harness_feed_commit(unsigned n)
{
	ring_commit(&H.feed, n);
	if (ring_prod_peer_sleeps(&H.feed))
		H.pending |= 1u << 0;
}

void harness_drain_release(unsigned n)
{
	ring_release(&H.drain, n);
	if (ring_cons_peer_sleeps(&H.drain))
		H.pending |= 1u << 1;
}

void harness_restart(void)
{
	longjmp(restart_point, 1);
}

int harness_find_line(const char *line)
{
	for (unsigned i = 0; i < H.nlines; i++)
		if (strcmp(H.lines[i], line) == 0)
			return (int)i;
	return -1;
}

static void console(uint64_t n)
{
	char *text = standin_ctrl.console;

	if (n >= TESS_CONSOLE_BUF || text[n] != '\0') {
		fprintf(stderr, "harness| bad console length %llu\n", (unsigned long long)n);
		exit(2);
	}
	printf("shard:%s| %s\n", tess_name(), text);
	if (H.nlines < HARNESS_MAX_LINES)
		memcpy(H.lines[H.nlines++], text, n + 1);
}

uint64_t tess_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t set;

	(void)a1, (void)a2, (void)a3;
	switch (nr) {
	case TESS_SYS_YIELD:
		a0 == TESS_YIELD_WAIT ? H.waits++ : H.polls++;
		scenario_yield(a0 == TESS_YIELD_WAIT);
		set = H.pending;
		H.pending = 0;
		return set;
	case TESS_SYS_NOTIFY:
		if (a0 < 2)
			H.notifies[a0]++;
		return 0;
	case TESS_SYS_CONSOLE:
		console(a0);
		return 0;
	case TESS_SYS_TIME:
		return H.now_ns += 1000;
	default:
		return (uint64_t)-1;
	}
}

int main(void)
{
	volatile int reason = TESS_START_FIRST;

	standin_ctrl.magic = TESS_CTRL_MAGIC;
	ring_init(standin_in_ring, STANDIN_SLOTS, 64);
	ring_init(standin_out_ring, STANDIN_SLOTS, 64);
	ring_prod_attach(&H.feed, standin_in_ring);
	ring_cons_attach(&H.drain, standin_out_ring);
	scenario_start();
	if (setjmp(restart_point))
		reason = TESS_START_RESTART;
	tess_runtime_main(reason);
}
