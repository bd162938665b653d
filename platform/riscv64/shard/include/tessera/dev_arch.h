/* Device access from a riscv64 shard: the backend half of <tessera/dev.h>.
 *
 * On QEMU virt, DMA regions are main memory and device windows I/O regions
 * (their physical memory attributes: privileged spec 20211203, 3.6.5
 * "Memory-Ordering PMAs"; 3.6.6: main memory is coherent, DMA included).
 * Main-memory and I/O accesses are ordered only by FENCE, whose predecessor
 * and successor sets name device input (i), device output (o), memory
 * reads (r) and writes (w) (unprivileged spec 20191213, 2.7 "Memory
 * Ordering Instructions"; RVWMO, chapter 14 and appendix A). Hence:
 *  - register write: FENCE w,o, then the store: earlier stores to memory
 *    (descriptors, a ring index) are visible to the device before the
 *    doorbell.
 *  - register read: the load, then FENCE i,r: later memory loads (of what
 *    the register announced) are not performed before it.
 *  - tess_dma_wmb: FENCE w,ow (memory stores before later stores and
 *    register writes); tess_dma_rmb: FENCE ir,r (an index load or register
 *    read before the loads it announced); tess_dma_mb: FENCE iorw,iorw.
 * The same choices as Linux's writel/readl on RISC-V. Each access is one
 * load or store of its width (accesses to one I/O region are in program
 * order: 3.6.5 makes QEMU virt's I/O regions strongly ordered). */
#ifndef TESSERA_DEV_ARCH_H
#define TESSERA_DEV_ARCH_H

#include <stdint.h>

static inline void tess_dma_wmb(void)
{
	__asm__ volatile("fence w,ow" ::: "memory");
}

static inline void tess_dma_rmb(void)
{
	__asm__ volatile("fence ir,r" ::: "memory");
}

static inline void tess_dma_mb(void)
{
	__asm__ volatile("fence iorw,iorw" ::: "memory");
}

/* The accessors of one width: its load and store instruction. */
#define TESS_MMIO_ACCESSORS(bits, load, store)                                                               \
	static inline uint##bits##_t tess_mmio_r##bits(uintptr_t va)                                         \
	{                                                                                                    \
		uint##bits##_t v;                                                                            \
		__asm__ volatile(load " %0, 0(%1)" : "=r"(v) : "r"(va) : "memory");                          \
		__asm__ volatile("fence i,r" ::: "memory");                                                  \
		return v;                                                                                    \
	}                                                                                                    \
	static inline void tess_mmio_w##bits(uintptr_t va, uint##bits##_t v)                                 \
	{                                                                                                    \
		__asm__ volatile("fence w,o" ::: "memory");                                                  \
		__asm__ volatile(store " %0, 0(%1)" ::"r"(v), "r"(va) : "memory");                           \
	}

TESS_MMIO_ACCESSORS(8, "lbu", "sb")
TESS_MMIO_ACCESSORS(16, "lhu", "sh")
TESS_MMIO_ACCESSORS(32, "lw", "sw")
TESS_MMIO_ACCESSORS(64, "ld", "sd")
#undef TESS_MMIO_ACCESSORS

#endif
