/* Shard page tables, shared by the MMU code of the target platforms
 * (platform/common/pt.c). Each shard's tables are built once at boot
 * (arch_aspace_build) in its planner-reserved pool [pt_pa, pt_pa +
 * pt_size): tables are taken from it in order, zeroed, and never given
 * back (no heap); the root is the pool's first page. The walk is the same
 * on every target (4 KiB pages, 512 entries per table, 9 VA bits per
 * level); what an entry looks like is the platform's `struct pt_fmt`. */
#ifndef PLAT_PT_H
#define PLAT_PT_H

#include <stdint.h>
#include <tessera/tables.h>

/* A platform's shard translation tables. */
struct pt_fmt {
	/* The root is level levels - 1; pages are mapped at level 0. */
	unsigned levels;
	/* The shard half is [0, va_top). */
	uint64_t va_top;
	/* The bit of a valid entry, table or page. */
	uint64_t valid;
	/* An entry pointing at the next-level table at `pa`. */
	uint64_t (*table)(uint64_t pa);
	/* A level-0 entry: the page at `pa` with a map's TESS_MAP_* attributes. */
	uint64_t (*page)(uint64_t pa, uint32_t attr);
	/* The table or page an entry points at. */
	uint64_t (*pa)(uint64_t e);
};

/* The shard's tables in its pool, from cfg->maps: each map page-aligned,
 * below va_top, not overlapping another, writable+executable only if it is
 * the image map, which is split W^X (its code pages read+execute, the rest
 * read+write: plat_image_exec_size). Returns the root (kernel address),
 * or NULL after a `kern| mmu: shard <name>: ...` line saying why (also
 * "page-table pool of <n> bytes is too small"). The platform adds its
 * kernel half to the root itself. */
uint64_t *pt_build(const struct pt_fmt *f, const struct tess_shard_cfg *cfg);
/* Move the image map's W^X split to its first `rx` bytes (hot reload, the
 * rollback to the previous image) by rewriting its level-0 entries under
 * `root`; the platform drops the stale translations after. 0 (also for a
 * shard without an image map: nothing to split), or -1 if `rx` is not page
 * aligned, exceeds the map, or a page of it is not mapped. */
int pt_set_exec(const struct pt_fmt *f, const struct tess_shard_cfg *cfg, uint64_t *root, uint64_t rx);

#endif
