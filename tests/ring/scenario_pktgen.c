/* The pktgen example: sequence numbers start at 0, run on without a gap or
 * repeat across a restart (persistent memory), in bursts that fill the ring. */
#include <stdio.h>
#include <stdlib.h>
#include "../../shards/examples/common/pkt.h"
#include "check.h"
#include "harness.h"

#define TOTAL	5000u
#define RESTART 1234u

static uint64_t got, restarts;
static char restart_line[64];

void scenario_start(void)
{
}

void scenario_yield(bool wait)
{
	void *s[PKT_BURST];
	unsigned n = ring_peek_burst(&H.drain, s, 5);

	CHECK(!wait); /* a polling shard never sleeps */
	for (unsigned i = 0; i < n; i++, got++) {
		const struct pkt *p = s[i];
		CHECK(p->seq == got);
		CHECK(p->len == 48 && p->flags == 0 && p->payload[47] == (uint8_t)(got + 47));
	}
	if (n)
		harness_drain_release(n);
	if (got >= RESTART && restarts == 0) {
		restarts++;
		/* pktgen must go on after everything it committed before */
		snprintf(restart_line, sizeof(restart_line), "up (reason 1), next seq %u",
			 (unsigned)atomic_load(&H.drain.shm->head));
		harness_restart();
	}
	if (got < TOTAL)
		return;
	CHECK(harness_find_line("up (reason 0), next seq 0") == 0);
	CHECK(harness_find_line(restart_line) == 1);
	CHECK(H.notifies[1] == 0); /* nobody sleeps in this scenario */
	printf("scenario_pktgen| %llu packets across %llu restart\n", (unsigned long long)got,
	       (unsigned long long)restarts);
	exit(check_summary());
}
