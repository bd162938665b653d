/* Building blocks of the shard page tables, shared by the MMU code of the
 * target platforms (platform/common/pt.c). Each shard's tables are built
 * once at boot (arch_aspace_build) in its planner-reserved pool [pt_pa,
 * pt_pa + pt_size): tables are taken from it in order, zeroed, and never
 * given back. No heap. */
#ifndef PLAT_PT_H
#define PLAT_PT_H

#include <stdint.h>
#include <tessera/tables.h>

struct pt_pool {
	uint64_t next, end; /* physical */
};

static inline struct pt_pool pt_pool_of(const struct tess_shard_cfg *cfg)
{
	return (struct pt_pool){cfg->pt_pa, cfg->pt_pa + cfg->pt_size};
}

/* The next table of the pool, zeroed (its kernel address); NULL when the
 * pool is used up. */
uint64_t *pt_pool_alloc(struct pt_pool *p);
/* Logs "mmu: shard <name>: page-table pool of <n> bytes is too small" and
 * returns -1. */
int pt_pool_short(const struct tess_shard_cfg *cfg);
/* Map `i` of the shard may be mapped: page-aligned, inside [0, va_top),
 * and writable+executable only if it is the image map (which the platform
 * splits W^X). Otherwise logs why and returns -1. */
int pt_map_check(const struct tess_shard_cfg *cfg, unsigned i, uint64_t va_top);
/* W^X for the shard image: the planner gives [mem_va, stack) as one image
 * map `m`; its first bytes (code and rodata, recorded in the image part by
 * the packer: plat_image_exec_size) become read+execute, the rest (data,
 * bss) read+write. Stores that split in *rx and returns 0, or returns -1
 * after logging if it exceeds the map. */
int pt_image_rx(const struct tess_shard_cfg *cfg, const struct tess_map *m, uint64_t *rx);

#endif
