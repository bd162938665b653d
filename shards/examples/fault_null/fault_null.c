/* fault_null: initialises normally, then dereferences NULL on its first poll
 * turn. Exercises the kernel's fault path and the shard's on_fault policy. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/fault.h"

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), will dereference NULL", why);
}

FAULT_NO_SANITIZE static uint32_t read_null(void)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)0;

	return *p;
}

void shard_poll(void)
{
	tess_log("read NULL: %u", read_null());
}
