/* Device access from an aarch64 shard: the backend half of <tessera/dev.h>.
 *
 * Device windows are mapped Device-nGnRE and DMA regions Normal Write-Back,
 * inner shareable (platform/aarch64/mmu.c); QEMU virt's devices are
 * coherent with that memory. Arm ARM DDI0487 (J.a):
 *  - B2.7.2 (Device memory, "nR"): accesses to one device arrive in program
 *    order, so two register accesses need no barrier between them.
 *  - B2.3 (the memory model): a Normal access and a Device access are not
 *    ordered with each other unless a barrier orders them. DMB's option
 *    selects the domain and the accesses (C6.2, DMB): OSH is the outer
 *    shareable domain, the widest, which holds every observer a device is
 *    (B2.7.1); ST orders stores before stores, LD loads before loads and
 *    stores.
 * So a register write is DMB OSHST + STR (earlier descriptor and index
 * stores reach the device before the doorbell), a register read is LDR +
 * DMB OSHLD (later loads of what it announced cannot pass it), the same
 * pairing Linux's writel/readl use. Every access is one LDR/STR of its
 * width with a plain base register: no writeback, no pair, so a hypervisor
 * that traps it gets a valid syndrome (ESR_ELx.ISV, D17.2.37). */
#ifndef TESSERA_DEV_ARCH_H
#define TESSERA_DEV_ARCH_H

#include <stdint.h>

static inline void tess_dma_wmb(void)
{
	__asm__ volatile("dmb oshst" ::: "memory");
}

static inline void tess_dma_rmb(void)
{
	__asm__ volatile("dmb oshld" ::: "memory");
}

static inline void tess_dma_mb(void)
{
	__asm__ volatile("dmb osh" ::: "memory");
}

/* The accessors of one width: its load and store instruction and the
 * register name modifier (w: 32-bit view, x: 64-bit). */
#define TESS_MMIO_ACCESSORS(bits, ldr, str, reg)                                                             \
	static inline uint##bits##_t tess_mmio_r##bits(uintptr_t va)                                         \
	{                                                                                                    \
		uint##bits##_t v;                                                                            \
		__asm__ volatile(ldr " %" reg "0, [%1]" : "=r"(v) : "r"(va) : "memory");                     \
		tess_dma_rmb();                                                                              \
		return v;                                                                                    \
	}                                                                                                    \
	static inline void tess_mmio_w##bits(uintptr_t va, uint##bits##_t v)                                 \
	{                                                                                                    \
		tess_dma_wmb();                                                                              \
		__asm__ volatile(str " %" reg "0, [%1]" ::"rZ"(v), "r"(va) : "memory");                      \
	}

TESS_MMIO_ACCESSORS(8, "ldrb", "strb", "w")
TESS_MMIO_ACCESSORS(16, "ldrh", "strh", "w")
TESS_MMIO_ACCESSORS(32, "ldr", "str", "w")
TESS_MMIO_ACCESSORS(64, "ldr", "str", "x")
#undef TESS_MMIO_ACCESSORS

#endif
