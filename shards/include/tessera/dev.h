/* Device access for driver shards (docs/drivers.md). A driver touches its
 * hardware only through this header, so the same source runs on every
 * target and in the simulator:
 *
 *   MMIO registers   tess_mmio_r8/16/32/64, tess_mmio_w8/16/32/64 on the
 *                    granted window (TESS_DEV_<DEV>_VA). Each access is one
 *                    access of that width, ordered after every earlier
 *                    store to memory (a write) or before every later load
 *                    from memory (a read): a doorbell write publishes the
 *                    descriptors written before it, a status read is not
 *                    overtaken by the reads of what it announced.
 *   DMA ordering     tess_dma_wmb: CPU stores to DMA memory are visible to
 *                    the device before later stores (an index publish) and
 *                    MMIO writes. tess_dma_rmb: loads of device-written DMA
 *                    memory happen after the load (of a ring index) or MMIO
 *                    read that announced them. tess_dma_mb: both, and
 *                    stores before later loads (the "check flags after
 *                    publishing the index" of virtio's notification
 *                    suppression).
 *   Bus addresses    tess_dma_bus / tess_dma_va (<tessera/dma.h>) translate between this
 *                    shard's VAs and the addresses a device uses, for the
 *                    DMA regions the manifest granted (maps of kind
 *                    TESS_MAP_KIND_DMA in tess_self). Anything else is
 *                    refused: with no IOMMU the device reaches all of
 *                    memory, so the driver must hand it nothing else.
 *   IRQs             granted IRQs are event bits (TESS_IRQ_<DEV>); after
 *                    quiescing the device, tess_irq_ack(bit) (shard.h)
 *                    unmasks the line again.
 *
 * The per-backend half, <tessera/dev_arch.h>, lives in the backend's shard
 * include directory (platform/<arch>/shard/include, sim/shard/include) and
 * defines the MMIO accessors and the three barriers, each citing the
 * architecture manual it relies on. */
#ifndef TESSERA_DEV_H
#define TESSERA_DEV_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/dev_arch.h>
#include <tessera/dma.h>
#include <tessera/shard.h>

#endif
