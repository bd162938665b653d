/* filter_crash: a filter "version" that dies in init (a store to address
 * 16), for the rollback test: the kernel must restart the previous image
 * and answer "rolled back (fault in init)". */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

void shard_init(enum tess_start_reason why)
{
	/* Through a volatile: gcc -O2 (the simulator's) refuses a store to a
	 * constant address below a page under -Werror=array-bounds. */
	volatile uintptr_t bad = 16;

	tess_log("crashing version up (reason %d)", why);
	*(volatile uint32_t *)bad = 1;
}

void shard_notified(tess_set_t set)
{
	(void)set;
}
