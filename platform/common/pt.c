/* Page-table pool and map checks for the target platforms' MMU code
 * (plat/pt.h). What a page table entry looks like is the platform's. */
#include <stdbool.h>
#include <string.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/load.h>
#include <plat/pt.h>

uint64_t *pt_pool_alloc(struct pt_pool *p)
{
	if (p->next + TESS_PAGE_SIZE > p->end)
		return 0;
	uint64_t *t = plat_pa_to_kva(p->next);
	p->next += TESS_PAGE_SIZE;
	memset(t, 0, TESS_PAGE_SIZE);
	return t;
}

int pt_pool_short(const struct tess_shard_cfg *cfg)
{
	kern_log("mmu: shard %s: page-table pool of %lu bytes is too small", cfg->name,
		 (unsigned long)cfg->pt_size);
	return -1;
}

int pt_map_check(const struct tess_shard_cfg *cfg, unsigned i, uint64_t va_top)
{
	const struct tess_map *m = &cfg->maps[i];
	bool wx = (m->attr & TESS_MAP_W) && (m->attr & TESS_MAP_X);

	if (wx && m->kind != TESS_MAP_KIND_IMAGE) {
		kern_log("mmu: shard %s: map %u at 0x%lx is writable and executable: refused", cfg->name, i,
			 (unsigned long)m->va);
		return -1;
	}
	if ((m->va | m->pa | m->size) & (TESS_PAGE_SIZE - 1) || m->va + m->size > va_top ||
	    m->va + m->size < m->va) {
		kern_log("mmu: shard %s: map %u at 0x%lx is unaligned or outside the shard address space",
			 cfg->name, i, (unsigned long)m->va);
		return -1;
	}
	return 0;
}

int pt_image_rx(const struct tess_shard_cfg *cfg, const struct tess_map *m, uint64_t *rx)
{
	*rx = plat_image_exec_size(cfg->name);
	if (*rx > m->size) {
		kern_log("mmu: shard %s: %lu bytes of code exceed its image map", cfg->name,
			 (unsigned long)*rx);
		return -1;
	}
	return 0;
}
