/* fault_wtext: initialises normally, then overwrites the first instruction
 * of its own code. Code is mapped read + execute, never writable (W^X), so
 * the store must fault and the on_fault policy applies. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/fault.h"

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), will write to its own code", why);
}

FAULT_NO_SANITIZE static void code_store(uintptr_t va)
{
	*(volatile uint32_t *)va = 0;
}

void shard_poll(void)
{
	uintptr_t va = (uintptr_t)&shard_init;

	tess_log("writing to own code at %p", (void *)va);
	code_store(va);
	tess_log("code write to %p did not fault", (void *)va);
}
