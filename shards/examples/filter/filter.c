/* filter: a notified consumer of tess_in(0) that forwards every packet to
 * tess_out(0), classifying it on the way (PKT_CLASS_EVEN/ODD in flags).
 * Back-pressure: when the output is full the input is left unconsumed; the
 * runtime then sleeps until the sink frees space (producer-side wakeup). */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

static uint64_t even, odd;

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)", why);
}

void shard_notified(tess_set_t set)
{
	struct tess_chan *in = tess_in(0), *out = tess_out(0);
	void *src[PKT_BURST], *dst[PKT_BURST];

	(void)set; /* data in or space out: both mean "try to move packets" */
	if (!in || !out)
		return;
	for (unsigned b = 0; b < PKT_BURSTS_PER_ENTRY; b++) {
		unsigned n = tess_peek_burst(in, src, PKT_BURST);

		if (n == 0)
			return;
		n = tess_reserve_burst(out, dst, n);
		if (n == 0)
			return; /* output full: keep the input, wait for space */
		for (unsigned i = 0; i < n; i++) {
			const struct pkt *s = src[i];
			struct pkt *d = dst[i];

			*d = *s;
			if (s->seq & 1) {
				d->flags |= PKT_CLASS_ODD;
				odd++;
			} else {
				d->flags |= PKT_CLASS_EVEN;
				even++;
			}
		}
		tess_commit(out, n);
		tess_release(in, n);
	}
}
