/* ticker: a polling shard that shares its core with others and logs
 * "tick <n>" every TICK_NS, showing cooperative scheduling keeps it running. */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define TICK_NS 100000000ull /* 100 ms */

static uint64_t next, ticks;

void shard_init(enum tess_start_reason why)
{
	next = tess_time_ns() + TICK_NS;
	tess_log("up (reason %d)", why);
}

void shard_poll(void)
{
	uint64_t now = tess_time_ns();

	if (now < next)
		return;
	next = now + TICK_NS;
	tess_log("tick %llu", (unsigned long long)++ticks);
}
