/* filter_v2: the example filter, version 2, for the hot-reload walk-through
 * (README "Reload workflow", tests/reload/test_sim_reload.py). Same job as
 * filter (forward tess_in(0) to tess_out(0), classify EVEN/ODD), and it
 * also tags every packet it forwards with FILTER_V2_TAG, so a sink can tell
 * from which packet on the new version handled the stream. Build it in the
 * filter's place (same manifest, this source) and reload it. */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

void shard_init(enum tess_start_reason why)
{
	tess_log("v2 up (reason %d, version %llu)", why, (unsigned long long)tess_ctrl()->version);
}

void shard_notified(tess_set_t set)
{
	(void)set;
	pkt_forward(tess_in(0), tess_out(0), FILTER_V2_TAG);
}
