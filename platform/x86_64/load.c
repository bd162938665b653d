/* The x86_64 half of shard loading (platform/common/load.c does the rest). */
#include <plat/load.h>
#include <x86/plat.h>

uint64_t arch_kernel_pa(const void *kva)
{
	return x86_kpa(kva);
}

/* mmu_shard.c */
int arch_mmu_set_exec(const struct tess_shard_cfg *cfg, uint64_t rx)
{
	return x86_mmu_set_exec(cfg, rx);
}

/* x86 keeps instruction fetches coherent with stores on the same core; code
 * written for another core needs a serializing instruction there before
 * it runs (SDM Vol. 3A §8.1.3 "Handling Self- and Cross-Modifying Code").
 * A shard's code is written on its own core (restart, reload) or at boot
 * before its core starts (INIT-SIPI). Nothing to do. */
void arch_code_written(uint8_t *dst, uint64_t n)
{
	(void)dst;
	(void)n;
}
