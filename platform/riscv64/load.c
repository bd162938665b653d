/* The riscv64 half of shard loading (platform/common/load.c does the rest). */
#include <string.h>
#include <plat/load.h>
#include <rv/plat.h>

uint64_t arch_kernel_pa(const void *kva)
{
	return rv_kpa(kva);
}

/* New code: every core fence.i's before it next runs a shard (trap.c),
 * since fence.i orders only the local hart's fetches (unprivileged spec
 * v20191213, ch. 3 "Zifencei"). */
/* Zicboz (cbo.zero) is not in QEMU 7.2's rv64. */
void arch_zero(void *p, uint64_t n)
{
	memset(p, 0, n);
}

void arch_code_written(uint8_t *dst, uint64_t n)
{
	(void)dst;
	(void)n;
	__atomic_fetch_add(&rv_load_gen, 1, __ATOMIC_RELEASE);
}
