/* Device access from an x86_64 shard: the backend half of <tessera/dev.h>.
 *
 * Device windows are mapped UC (PCD|PWT, PAT entry 3 with the PAT at its
 * power-up value) and so are DMA regions with `cached: false`; other DMA
 * regions are ordinary write-back RAM (platform/x86_64/mmu_shard.c). Every
 * device of QEMU microvm (and DMA on x86 generally: bus masters snoop the
 * caches) is coherent with WB memory. Intel SDM order 325462-078US, Vol. 3A
 * (8.2 is chapter 9 in later editions):
 *  - 8.2.2 (WB memory, "write ordered with store-buffer forwarding"): reads
 *    are not reordered with other reads, writes not with older reads, nor
 *    with other writes (bar non-temporal stores and fast strings, which no
 *    shard uses on device-shared memory); only a read may pass an older
 *    write to another location.
 *  - 11.3 (Table 11-2, UC): "all reads and writes appear on the system bus
 *    and are executed in program order without reordering"; 8.2.5: UC is
 *    how the architecture gives strong ordering to memory-mapped I/O. So
 *    register accesses are ordered among themselves and with the WB
 *    accesses around them.
 * Hence the two one-way barriers cost no instruction: dma_wmb (stores
 * before stores) and dma_rmb (loads before loads) hold by 8.2.2, and need
 * only keep the compiler from moving accesses across them (the "memory"
 * clobber). dma_mb also orders a store before a later load, the one
 * reordering 8.2.2 allows: MFENCE ("serializes all load and store
 * operations", Vol. 2B MFENCE; 8.2.5). The register accessors are a plain
 * MOV of their width, kept in place by the same clobber: the same choices
 * as Linux's readl/writel and dma_wmb/dma_rmb on x86. */
#ifndef TESSERA_DEV_ARCH_H
#define TESSERA_DEV_ARCH_H

#include <stdint.h>

static inline void tess_dma_wmb(void)
{
	__asm__ volatile("" ::: "memory");
}

static inline void tess_dma_rmb(void)
{
	__asm__ volatile("" ::: "memory");
}

static inline void tess_dma_mb(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

/* The accessors of one width: MOV with its operand-size suffix. One
 * instruction with a plain register operand, so an access the hypervisor
 * traps decodes simply. */
#define TESS_MMIO_ACCESSORS(bits, sfx)                                                                       \
	static inline uint##bits##_t tess_mmio_r##bits(uintptr_t va)                                         \
	{                                                                                                    \
		uint##bits##_t v;                                                                            \
		__asm__ volatile("mov" sfx " (%1), %0" : "=r"(v) : "r"(va) : "memory");                      \
		return v;                                                                                    \
	}                                                                                                    \
	static inline void tess_mmio_w##bits(uintptr_t va, uint##bits##_t v)                                 \
	{                                                                                                    \
		__asm__ volatile("mov" sfx " %0, (%1)" ::"r"(v), "r"(va) : "memory");                        \
	}

TESS_MMIO_ACCESSORS(8, "b")
TESS_MMIO_ACCESSORS(16, "w")
TESS_MMIO_ACCESSORS(32, "l")
TESS_MMIO_ACCESSORS(64, "q")
#undef TESS_MMIO_ACCESSORS

#endif
