/* filter_v2: the example filter, version 2, for the hot-reload walk-through
 * (README "Reload workflow", tests/reload/test_sim_reload.py). Same job as
 * filter (forward tess_in(0) to tess_out(0), classify EVEN/ODD), and it
 * also tags every packet it forwards with FILTER_V2_TAG, so a sink can tell
 * from which packet on the new version handled the stream. Build it in the
 * filter's place (same manifest, this source) and reload it. */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

/* Not in pkt.h: only this shard and the sinks that look for it know it. */
#define FILTER_V2_TAG 0x100u

void shard_init(enum tess_start_reason why)
{
	tess_log("v2 up (reason %d, version %llu)", why, (unsigned long long)tess_ctrl()->version);
}

void shard_notified(tess_set_t set)
{
	struct tess_chan *in = tess_in(0), *out = tess_out(0);
	void *src[PKT_BURST], *dst[PKT_BURST];

	(void)set;
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
			d->flags |= (s->seq & 1 ? PKT_CLASS_ODD : PKT_CLASS_EVEN) | FILTER_V2_TAG;
		}
		tess_commit(out, n);
		tess_release(in, n);
	}
}
