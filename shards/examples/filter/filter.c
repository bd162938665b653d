/* filter: a notified consumer of tess_in(0) that forwards every packet to
 * tess_out(0), classifying it on the way (PKT_CLASS_EVEN/ODD in flags).
 * Back-pressure: when the output is full the input is left unconsumed; the
 * runtime then sleeps until the sink frees space (producer-side wakeup). */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)", why);
}

void shard_notified(tess_set_t set)
{
	(void)set; /* data in or space out: both mean "try to move packets" */
	pkt_forward(tess_in(0), tess_out(0), 0);
}
