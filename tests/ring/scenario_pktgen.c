/* The pktgen example: sequence numbers start at 0, run on without a gap or
 * repeat across a restart (persistent memory), in bursts that fill the ring;
 * also across a stop between a burst's commit and anything after it (the
 * persistent memory put back as it was before that entry). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../shards/examples/common/pkt.h"
#include "check.h"
#include "harness.h"

#define TOTAL	 5000u
#define RESTART	 1234u
#define RESTART2 3000u

static uint64_t got, restarts;
static char restart_line[64], restart2_line[64];
static uint8_t before_entry[sizeof standin_persist];

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
	if (got >= RESTART2 && restarts == 1) {
		/* As if stopped right after the last entry's commit: its state as
		 * it was before that entry. */
		restarts++;
		memcpy(standin_persist, before_entry, sizeof before_entry);
		snprintf(restart2_line, sizeof(restart2_line), "up (reason 1), next seq %u",
			 (unsigned)atomic_load(&H.drain.shm->head));
		harness_restart();
	}
	memcpy(before_entry, standin_persist, sizeof before_entry);
	if (got < TOTAL)
		return;
	CHECK(harness_find_line(restart2_line) == 2);
	CHECK(harness_find_line("up (reason 0), next seq 0") == 0);
	CHECK(harness_find_line(restart_line) == 1);
	CHECK(H.notifies[1] == 0); /* nobody sleeps in this scenario */
	printf("scenario_pktgen| %llu packets across %llu restart\n", (unsigned long long)got,
	       (unsigned long long)restarts);
	exit(check_summary());
}
