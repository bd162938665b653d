/* The aarch64 half of shard loading (platform/common/load.c does the rest). */
#include <stdint.h>
#include <arch/a64.h>
#include <plat/load.h>

uint64_t arch_kernel_pa(const void *kva)
{
	return a64_kpa(kva);
}

/* New code in the shard's memory: clean the data cache to the point of
 * unification, then invalidate the instruction cache (Arm ARM D7.5.9,
 * "Ordering of cache maintenance": dc cvau; dsb ish; ic ialluis; dsb; isb). */
void arch_code_written(uint8_t *p, uint64_t n)
{
	uint64_t line = 4u << ((SYSREG_READ(ctr_el0) >> 16) & 0xf);
	uint64_t a = (uint64_t)(uintptr_t)p & ~(line - 1);
	for (; a < (uint64_t)(uintptr_t)p + n; a += line)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish\n ic ialluis\n dsb ish\n isb" ::: "memory");
}
