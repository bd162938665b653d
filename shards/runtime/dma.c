/* <tessera/dma.h>: bus-address translation from this shard's own map list
 * (the generated tess_self, never shared memory); only DMA maps count. */
#include <stddef.h>
#include <stdint.h>
#include <tessera/dma.h>
#include <tessera/shard_info.h>

/* The DMA map holding [addr, addr + len) by its `va` (by_bus false) or
 * `pa` (true) side, or NULL. Written so no sum can wrap. */
static const struct tess_map *dma_map(uint64_t addr, size_t len, int by_bus)
{
	for (unsigned i = 0; i < tess_self.nmaps; i++) {
		const struct tess_map *m = &tess_self.maps[i];
		uint64_t base = by_bus ? m->pa : m->va;

		if (m->kind != TESS_MAP_KIND_DMA || addr < base)
			continue;
		if (len <= m->size && addr - base <= m->size - len)
			return m;
	}
	return NULL;
}

uint64_t tess_dma_bus(const void *va, size_t len)
{
	const struct tess_map *m = dma_map((uintptr_t)va, len, 0);

	return m ? m->pa + ((uintptr_t)va - m->va) : TESS_DMA_BAD;
}

void *tess_dma_va(uint64_t bus, size_t len)
{
	const struct tess_map *m = dma_map(bus, len, 1);

	return m ? (void *)(uintptr_t)(m->va + (bus - m->pa)) : NULL;
}
