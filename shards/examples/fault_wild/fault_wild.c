/* fault_wild: writes one page below its own private memory (mem_va, found in
 * tess_self.maps), into the planner's guard page. Exercises a store fault
 * on an address the shard does not own. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/fault.h"

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)", why);
}

FAULT_NO_SANITIZE static void wild_store(uint64_t va)
{
	*(volatile uint32_t *)(uintptr_t)va = 0xdeadbeefu;
}

void shard_poll(void)
{
	uint64_t va = fault_mem_va() - TESS_PAGE_SIZE;

	tess_log("writing to %p", (void *)(uintptr_t)va);
	wild_store(va);
	tess_log("wild write to %p did not fault", (void *)(uintptr_t)va);
}
