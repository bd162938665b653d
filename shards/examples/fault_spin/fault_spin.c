/* fault_spin: polls normally for SPIN_AFTER_NS, then spins forever without
 * yielding. Exercises the watchdog and the shard's on_hang policy. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define SPIN_AFTER_NS 50000000ull /* 50 ms */

static uint64_t started;

void shard_init(enum tess_start_reason why)
{
	started = tess_time_ns();
	tess_log("up (reason %d), will spin after 50 ms", why);
}

void shard_poll(void)
{
	volatile uint64_t n = 0;

	if (tess_time_ns() - started < SPIN_AFTER_NS)
		return;
	tess_log("spinning");
	for (;;)
		n++;
}
