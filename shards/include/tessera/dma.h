/* DMA addresses (part of <tessera/dev.h>, apart so the runtime that
 * implements them builds without a backend's dev_arch.h): between this
 * shard's VAs and the bus addresses a device uses, for the DMA regions the
 * manifest granted it, from its own tables (tess_self's maps of kind
 * TESS_MAP_KIND_DMA). */
#ifndef TESSERA_DMA_H
#define TESSERA_DMA_H

#include <stddef.h>
#include <stdint.h>

/* tess_dma_bus's answer for a range outside every DMA map. */
#define TESS_DMA_BAD UINT64_MAX

/* The bus address of [va, va + len), or TESS_DMA_BAD unless the whole range
 * lies inside one of this shard's DMA maps. On boards without an IOMMU the
 * bus address is the physical address (the generated TESS_DMA_<NAME>_PA). */
uint64_t tess_dma_bus(const void *va, size_t len);

/* This shard's pointer to bus range [bus, bus + len), or NULL unless the
 * whole range lies inside one of its DMA maps. */
void *tess_dma_va(uint64_t bus, size_t len);

#endif
