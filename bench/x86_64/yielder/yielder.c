/* yielder: a polling shard that does nothing but yield (bench/qemu_x86_64.py).
 * Two on one core measure the whole yield round as the shards see it: every
 * POLLS_PER_LOG turns it logs "turns <n>: <ns> ns per turn" (a turn: its
 * own empty poll plus the other shard's, two yields). */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define POLLS_PER_LOG (1u << 16)

static uint64_t polls, since;

void shard_init(enum tess_start_reason why)
{
	since = tess_time_ns();
	tess_log("up (reason %d)", why);
}

void shard_poll(void)
{
	if (++polls % POLLS_PER_LOG)
		return;
	uint64_t now = tess_time_ns();
	tess_log("turns %llu: %llu ns per turn", (unsigned long long)polls,
		 (unsigned long long)((now - since) / POLLS_PER_LOG));
	since = now;
}
