/* The sink example: counts, logs every 100000 packets, reports each gap in
 * the sequence exactly once with the exact message. */
#include <stdlib.h>
#include "../../shards/examples/common/pkt.h"
#include "check.h"
#include "harness.h"

#define TOTAL 200000u

static uint64_t seq, sent;

void scenario_start(void)
{
}

void scenario_yield(bool wait)
{
	void *s[PKT_BURST];
	unsigned n;

	if (sent == TOTAL) {
		CHECK(wait); /* all consumed: the sink sleeps */
		CHECK(harness_find_line("seq gap: expected 500 got 503") == 1);
		CHECK(harness_find_line("seq gap: expected 603 got 599") == 2);
		CHECK(harness_find_line("count=100000 last_seq=99998") == 3);
		CHECK(harness_find_line("count=200000 last_seq=199998") == 4);
		CHECK(H.nlines == 5);
		exit(check_summary());
	}
	n = ring_reserve_burst(&H.feed, s, 7);
	if (n > TOTAL - sent)
		n = (unsigned)(TOTAL - sent);
	for (unsigned i = 0; i < n; i++, sent++) {
		struct pkt *p = s[i];
		if (sent == 500)
			seq += 3; /* lose three packets */
		if (sent == 600)
			seq -= 4; /* repeat one (599 again) and three more */
		p->seq = seq++;
	}
	if (n)
		harness_feed_commit(n);
}
