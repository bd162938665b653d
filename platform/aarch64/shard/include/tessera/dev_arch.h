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

static inline uint8_t tess_mmio_r8(uintptr_t va)
{
	uint8_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(va) : "memory");
	tess_dma_rmb();
	return v;
}

static inline uint16_t tess_mmio_r16(uintptr_t va)
{
	uint16_t v;

	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(va) : "memory");
	tess_dma_rmb();
	return v;
}

static inline uint32_t tess_mmio_r32(uintptr_t va)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(va) : "memory");
	tess_dma_rmb();
	return v;
}

static inline uint64_t tess_mmio_r64(uintptr_t va)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(va) : "memory");
	tess_dma_rmb();
	return v;
}

static inline void tess_mmio_w8(uintptr_t va, uint8_t v)
{
	tess_dma_wmb();
	__asm__ volatile("strb %w0, [%1]" ::"rZ"(v), "r"(va) : "memory");
}

static inline void tess_mmio_w16(uintptr_t va, uint16_t v)
{
	tess_dma_wmb();
	__asm__ volatile("strh %w0, [%1]" ::"rZ"(v), "r"(va) : "memory");
}

static inline void tess_mmio_w32(uintptr_t va, uint32_t v)
{
	tess_dma_wmb();
	__asm__ volatile("str %w0, [%1]" ::"rZ"(v), "r"(va) : "memory");
}

static inline void tess_mmio_w64(uintptr_t va, uint64_t v)
{
	tess_dma_wmb();
	__asm__ volatile("str %x0, [%1]" ::"rZ"(v), "r"(va) : "memory");
}

#endif
