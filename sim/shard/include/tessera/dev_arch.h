/* Device access for shards in the simulator (included by
 * <tessera/dev.h>; the targets' versions live in
 * platform/<arch>/shard/include/tessera/dev_arch.h). A shard process maps
 * no device memory: each register access is posted through the shard's
 * mailbox to the simulator (sim/shard/mmio.c), whose core thread serves it
 * from the device model if the address lies in one of the shard's granted
 * MMIO windows, and otherwise reports the shard's fault as a target's MMU
 * would. An access is therefore complete, and ordered after everything
 * the shard did before it, when the call returns. */
#ifndef TESSERA_DEV_ARCH_H
#define TESSERA_DEV_ARCH_H

#include <stdint.h>

uint8_t tess_mmio_r8(uintptr_t va);
uint16_t tess_mmio_r16(uintptr_t va);
uint32_t tess_mmio_r32(uintptr_t va);
uint64_t tess_mmio_r64(uintptr_t va);
void tess_mmio_w8(uintptr_t va, uint8_t v);
void tess_mmio_w16(uintptr_t va, uint16_t v);
void tess_mmio_w32(uintptr_t va, uint32_t v);
void tess_mmio_w64(uintptr_t va, uint64_t v);

/* The device models run on other host threads and read and write DMA
 * memory (the RAM memfd) concurrently: C11 fences order the shard's
 * accesses to it (C11 7.17.4) as the targets' barriers do. */
static inline void tess_dma_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void tess_dma_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void tess_dma_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif
