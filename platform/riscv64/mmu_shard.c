/* One Sv39 address space per shard, built once at boot in the shard's
 * planner-reserved pool [pt_pa, pt_pa + pt_size). The lower half holds the
 * shard's cfg->maps as U pages; the upper half shares the kernel's slots
 * (global, supervisor-only), so traps need no satp switch. The shard's satp
 * carries ASID = shard id + 1 (ASID 0 is the kernel's), priv spec §4.1.11. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/pte.h>
#include <plat/load.h>
#include <plat/pt.h>

static uint64_t shard_satp[TESS_MAX_SHARDS];

uint64_t rv_pte_user_bits(uint32_t attr)
{
	uint64_t b = PTE_V | PTE_U | PTE_A | PTE_D;
	/* W alone is reserved (Table 4.5): writable implies readable. */
	if (attr & (TESS_MAP_R | TESS_MAP_W))
		b |= PTE_R;
	if (attr & TESS_MAP_W)
		b |= PTE_W;
	if ((attr & TESS_MAP_X) && !(attr & TESS_MAP_DEVICE))
		b |= PTE_X; /* device windows are never executable */
	/* TESS_MAP_DEVICE needs no bit: without Svpbmt the physical memory
	 * attributes of the device range already make it uncached I/O (§3.6). */
	return b;
}

/* 0; -1: pool exhausted; -2: the page is mapped already. */
static int map_page(struct pt_pool *p, uint64_t *root, uint64_t va, uint64_t pa, uint64_t bits)
{
	uint64_t *t = root;
	for (unsigned level = 2; level > 0; level--) {
		uint64_t *e = &t[sv39_index(va, level)];
		if (!(*e & PTE_V)) {
			uint64_t *n = pt_pool_alloc(p);
			if (!n)
				return -1;
			*e = pte_make(rv_kpa(n), PTE_V);
		} else if (*e & (PTE_R | PTE_W | PTE_X)) {
			return -2; /* a leaf already covers it */
		}
		t = rv_kva(pte_pa(*e));
	}
	uint64_t *leaf = &t[sv39_index(va, 0)];
	if (*leaf & PTE_V)
		return -2; /* two maps overlap */
	*leaf = pte_make(pa, bits);
	return 0;
}

/* Map [va, va + size) page by page; 0, or map_page's -1 / -2. */
static int map_range(struct pt_pool *p, uint64_t *root, uint64_t va, uint64_t pa, uint64_t size,
		     uint32_t attr)
{
	for (uint64_t off = 0; off < size; off += TESS_PAGE_SIZE) {
		int r = map_page(p, root, va + off, pa + off, rv_pte_user_bits(attr));
		if (r < 0)
			return r;
	}
	return 0;
}

/* The image map split W^X (pt_image_rx): code R+X, the rest R+W. */
static int map_image(struct pt_pool *p, uint64_t *root, const struct tess_shard_cfg *cfg,
		     const struct tess_map *m)
{
	uint64_t rx;
	if (pt_image_rx(cfg, m, &rx) < 0)
		return -3;
	int r = map_range(p, root, m->va, m->pa, rx, TESS_MAP_R | TESS_MAP_X);
	return r ? r : map_range(p, root, m->va + rx, m->pa + rx, m->size - rx, TESS_MAP_R | TESS_MAP_W);
}

int arch_aspace_build(const struct tess_shard_cfg *cfg)
{
	struct pt_pool p = pt_pool_of(cfg);
	uint64_t *root = cfg->id < TESS_MAX_SHARDS ? pt_pool_alloc(&p) : 0;
	if (!root)
		return pt_pool_short(cfg);
	for (unsigned i = 256; i < 512; i++)
		root[i] = rv_kernel_root[i];
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];
		bool wx = (m->attr & TESS_MAP_W) && (m->attr & TESS_MAP_X);
		if (pt_map_check(cfg, i, SV39_USER_TOP) < 0)
			return -1;
		int r = wx ? map_image(&p, root, cfg, m)
			   : map_range(&p, root, m->va, m->pa, m->size, m->attr);
		if (r == -1)
			pt_pool_short(cfg);
		if (r == -2)
			kern_log("mmu: shard %s: map %u at 0x%lx overlaps another map", cfg->name, i,
				 (unsigned long)m->va);
		if (r)
			return -1;
	}
	shard_satp[cfg->id] = SATP_SV39 | ((uint64_t)(cfg->id + 1) << SATP_ASID_SHIFT) | (rv_kpa(root) >> 12);
	/* The tables were written through the kernel's mapping; make the
	 * stores visible to this hart's walker, other harts start later. */
	__asm__ volatile("fence rw, rw" ::: "memory");
	return 0;
}

uint64_t rv_shard_satp(unsigned shard_id)
{
	return shard_id < TESS_MAX_SHARDS ? shard_satp[shard_id] : 0;
}
