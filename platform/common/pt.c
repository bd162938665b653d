/* Shard page tables for the target platforms (plat/pt.h): the pool, the
 * checks every map passes, the walk, the W^X split of the image map. What
 * an entry looks like is the platform's (struct pt_fmt). */
#include <stdbool.h>
#include <string.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/load.h>
#include <plat/pt.h>

struct pool {
	uint64_t next, end; /* physical */
};

/* The next table of the pool, zeroed: its PA in *pa, its kernel address
 * returned; NULL when the pool is used up. */
static uint64_t *pool_alloc(struct pool *p, uint64_t *pa)
{
	if (p->next + TESS_PAGE_SIZE > p->end || p->next + TESS_PAGE_SIZE < p->next)
		return 0;
	*pa = p->next;
	uint64_t *t = plat_pa_to_kva(p->next);
	p->next += TESS_PAGE_SIZE;
	memset(t, 0, TESS_PAGE_SIZE);
	return t;
}

static unsigned index_of(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

/* The level-0 entry of `va` under `root`; a missing table is taken from
 * `p` (NULL: there is none, the result is NULL). */
static uint64_t *leaf(const struct pt_fmt *f, struct pool *p, uint64_t *root, uint64_t va)
{
	uint64_t *t = root;
	for (unsigned level = f->levels - 1; level > 0; level--) {
		uint64_t *e = &t[index_of(va, level)], pa;
		if (!(*e & f->valid)) {
			uint64_t *n = p ? pool_alloc(p, &pa) : 0;
			if (!n)
				return 0;
			*e = f->table(pa);
		}
		t = plat_pa_to_kva(f->pa(*e));
	}
	return &t[index_of(va, 0)];
}

enum { MAPPED, POOL_SHORT, OVERLAP };

static int map_range(const struct pt_fmt *f, struct pool *p, uint64_t *root, uint64_t va, uint64_t pa,
		     uint64_t size, uint32_t attr)
{
	for (uint64_t off = 0; off < size; off += TESS_PAGE_SIZE) {
		uint64_t *e = leaf(f, p, root, va + off);
		if (!e)
			return POOL_SHORT;
		if (*e & f->valid)
			return OVERLAP;
		*e = f->page(pa + off, attr);
	}
	return MAPPED;
}

static bool is_wx(const struct tess_map *m)
{
	return (m->attr & TESS_MAP_W) && (m->attr & TESS_MAP_X);
}

/* Map `i` may be mapped: page-aligned, inside [0, va_top), and writable+
 * executable only if it is the image map. */
static int map_check(const struct tess_shard_cfg *cfg, unsigned i, uint64_t va_top)
{
	const struct tess_map *m = &cfg->maps[i];

	if (is_wx(m) && m->kind != TESS_MAP_KIND_IMAGE) {
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

/* W^X for the shard image: the planner gives [mem_va, stack) as one
 * R+W+X image map; its first bytes (code and rodata, recorded in the image
 * part by the packer) become read+execute, the rest (data, bss)
 * read+write. */
static int map_image(const struct pt_fmt *f, struct pool *p, uint64_t *root, const struct tess_shard_cfg *cfg,
		     const struct tess_map *m)
{
	uint64_t rx = plat_image_exec_size(cfg->name);
	if (rx > m->size) {
		kern_log("mmu: shard %s: %lu bytes of code exceed its image map", cfg->name,
			 (unsigned long)rx);
		return -1;
	}
	int r = map_range(f, p, root, m->va, m->pa, rx, TESS_MAP_R | TESS_MAP_X);
	return r ? r : map_range(f, p, root, m->va + rx, m->pa + rx, m->size - rx, TESS_MAP_R | TESS_MAP_W);
}

uint64_t *pt_build(const struct pt_fmt *f, const struct tess_shard_cfg *cfg)
{
	struct pool p = {cfg->pt_pa, cfg->pt_pa + cfg->pt_size};
	uint64_t root_pa;
	uint64_t *root = pool_alloc(&p, &root_pa);
	int r = root ? MAPPED : POOL_SHORT;

	for (unsigned i = 0; r == MAPPED && i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];
		if (map_check(cfg, i, f->va_top) < 0)
			return 0;
		r = is_wx(m) ? map_image(f, &p, root, cfg, m)
			     : map_range(f, &p, root, m->va, m->pa, m->size, m->attr);
		if (r < 0)
			return 0;
		if (r == OVERLAP)
			kern_log("mmu: shard %s: map %u at 0x%lx overlaps another map", cfg->name, i,
				 (unsigned long)m->va);
	}
	if (r == POOL_SHORT)
		kern_log("mmu: shard %s: page-table pool of %lu bytes is too small", cfg->name,
			 (unsigned long)cfg->pt_size);
	return r == MAPPED ? root : 0;
}

int pt_set_exec(const struct pt_fmt *f, const struct tess_shard_cfg *cfg, uint64_t *root, uint64_t rx)
{
	const struct tess_map *m = 0;
	for (unsigned i = 0; i < cfg->nmaps && !m; i++)
		if (cfg->maps[i].kind == TESS_MAP_KIND_IMAGE && is_wx(&cfg->maps[i]))
			m = &cfg->maps[i];
	if (!m)
		return 0;
	if (rx > m->size || rx % TESS_PAGE_SIZE)
		return -1;
	for (uint64_t off = 0; off < m->size; off += TESS_PAGE_SIZE) {
		uint64_t *e = leaf(f, 0, root, m->va + off);
		if (!e)
			return -1;
		*e = f->page(m->pa + off, off < rx ? TESS_MAP_R | TESS_MAP_X : TESS_MAP_R | TESS_MAP_W);
	}
	return 0;
}
