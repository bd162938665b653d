/* tight: a polling shard with a tight watchdog on the console core
 * (tests/qemu/test_hostile.py, issue 10 item 3). Every entry works a
 * little and yields; "alive N" every TIGHT_LOG_EVERY entries. A hot
 * reload's console traffic handled on its core while it runs must not
 * count against its watchdog. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define TIGHT_WORK	20000u /* iterations per entry: tens of microseconds */
#define TIGHT_LOG_EVERY 2000u

static uint64_t entries;

void shard_init(enum tess_start_reason why)
{
	entries = 0;
	tess_log("up (reason %d)", why);
}

void shard_poll(void)
{
	volatile uint32_t x = 0;

	for (uint32_t i = 0; i < TIGHT_WORK; i++)
		x = x + i;
	if (++entries % TIGHT_LOG_EVERY == 0)
		tess_log("alive %llu", (unsigned long long)(entries / TIGHT_LOG_EVERY));
}
