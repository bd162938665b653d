/* The aarch64 half of shard loading and image checking
 * (platform/common/load.c does the rest). */
#include <stdint.h>
#include <string.h>
#include <arch/a64.h>
#include <plat/load.h>

uint64_t arch_kernel_pa(const void *kva)
{
	return a64_kpa(kva);
}

/* DC ZVA zeroes one block of 4 << DCZID_EL0.BS bytes per instruction
 * unless DCZID_EL0.DZP forbids it (Arm ARM D17.2.35; EL1 may use it
 * whatever SCTLR_EL1.DZE says, which is about EL0). The kernel maps the
 * shard's memory as normal memory, which DC ZVA needs. */
void arch_zero(void *p, uint64_t n)
{
	uint64_t dczid = SYSREG_READ(dczid_el0), bs = 4u << (dczid & 0xf);
	uint8_t *b = p, *end = b + n;
	uint8_t *a = (uint8_t *)(((uintptr_t)b + bs - 1) & ~(uintptr_t)(bs - 1));

	if (dczid & 0x10 || a >= end) {
		memset(p, 0, n);
		return;
	}
	memset(b, 0, (size_t)(a - b));
	for (; a + bs <= end; a += bs)
		__asm__ volatile("dc zva, %0" ::"r"(a) : "memory");
	memset(a, 0, (size_t)(end - a));
}

/* New code in the shard's memory: clean the data cache to the point of
 * unification, then invalidate the instruction cache in every core (the
 * IS domain): the lines written where the I-cache is PIPT, since then
 * the kernel's alias of the shard's memory names the same lines, else the
 * whole of it (Arm ARM D7.5.9 "Ordering of cache maintenance": dc cvau;
 * dsb ish; ic ivau or ic ialluis; dsb ish; isb). CTR_EL0 (D17.2.34):
 * DminLine [19:16] and IminLine [3:0] in log2 words, L1Ip [15:14] 3 PIPT. */
void arch_code_written(uint8_t *p, uint64_t n)
{
	uint64_t ctr = SYSREG_READ(ctr_el0);
	uint64_t dline = 4u << ((ctr >> 16) & 0xf), iline = 4u << (ctr & 0xf);
	uint64_t end = (uint64_t)(uintptr_t)p + n;

	for (uint64_t a = (uint64_t)(uintptr_t)p & ~(dline - 1); a < end; a += dline)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	if (((ctr >> 14) & 3) != 3)
		__asm__ volatile("ic ialluis" ::: "memory");
	else
		for (uint64_t a = (uint64_t)(uintptr_t)p & ~(iline - 1); a < end; a += iline)
			__asm__ volatile("ic ivau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish\n isb" ::: "memory");
}

void a64_sha256_blocks(uint32_t h[8], const uint8_t *p, size_t n); /* sha256.S */

/* ID_AA64ISAR0_EL1.SHA2, bits [15:12]: 1 = SHA256H & co., 2 = SHA-512 too
 * (Arm ARM DDI0487 D17.2.61). The ID register reads the same on every
 * core of QEMU's virt and of the SoCs we target. */
sha256_blocks_fn *arch_sha256(const char **what)
{
	if (((SYSREG_READ(id_aa64isar0_el1) >> 12) & 0xf) == 0)
		return 0;
	*what = "ARMv8 SHA2 instructions";
	return a64_sha256_blocks;
}
