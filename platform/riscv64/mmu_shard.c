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

static uint64_t shard_satp[TESS_MAX_SHARDS];

struct pool {
	uint64_t next, end; /* physical */
};

static uint64_t *pool_alloc(struct pool *p)
{
	if (p->next + TESS_PAGE_SIZE > p->end)
		return 0;
	uint64_t *t = rv_kva(p->next);
	p->next += TESS_PAGE_SIZE;
	for (unsigned i = 0; i < 512; i++)
		t[i] = 0;
	return t;
}

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
static int map_page(struct pool *p, uint64_t *root, uint64_t va, uint64_t pa, uint64_t bits)
{
	uint64_t *t = root;
	for (unsigned level = 2; level > 0; level--) {
		uint64_t *e = &t[sv39_index(va, level)];
		if (!(*e & PTE_V)) {
			uint64_t *n = pool_alloc(p);
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
static int map_range(struct pool *p, uint64_t *root, uint64_t va, uint64_t pa, uint64_t size, uint32_t attr)
{
	for (uint64_t off = 0; off < size; off += TESS_PAGE_SIZE) {
		int r = map_page(p, root, va + off, pa + off, rv_pte_user_bits(attr));
		if (r < 0)
			return r;
	}
	return 0;
}

/* W^X for the shard image: the planner gives [mem_va, stack) as one RWX
 * image map; its first exec_pages (code and rodata, recorded in the image
 * part by the packer, see load.c) become R+X, the rest (data, bss) R+W. */
static int map_image(struct pool *p, uint64_t *root, const struct tess_shard_cfg *cfg,
		     const struct tess_map *m)
{
	uint64_t rx = plat_image_exec_size(cfg->name);
	if (rx > m->size) {
		kern_log("mmu: shard %s: %lu bytes of code exceed its image map", cfg->name,
			 (unsigned long)rx);
		return -3;
	}
	int r = map_range(p, root, m->va, m->pa, rx, TESS_MAP_R | TESS_MAP_X);
	return r ? r : map_range(p, root, m->va + rx, m->pa + rx, m->size - rx, TESS_MAP_R | TESS_MAP_W);
}

int arch_aspace_build(const struct tess_shard_cfg *cfg)
{
	struct pool p = {cfg->pt_pa, cfg->pt_pa + cfg->pt_size};
	uint64_t *root = cfg->id < TESS_MAX_SHARDS ? pool_alloc(&p) : 0;
	if (!root) {
		kern_log("mmu: shard %s: page-table pool of %lu bytes is too small", cfg->name,
			 (unsigned long)cfg->pt_size);
		return -1;
	}
	for (unsigned i = 256; i < 512; i++)
		root[i] = rv_kernel_root[i];
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];
		bool wx = (m->attr & TESS_MAP_W) && (m->attr & TESS_MAP_X);
		if (wx && m->kind != TESS_MAP_KIND_IMAGE) {
			kern_log("mmu: shard %s: map %u at 0x%lx is writable and executable: refused",
				 cfg->name, i, (unsigned long)m->va);
			return -1;
		}
		if ((m->va | m->pa | m->size) & (TESS_PAGE_SIZE - 1) || m->va + m->size > SV39_USER_TOP ||
		    m->va + m->size < m->va) {
			kern_log("mmu: shard %s: map %u at 0x%lx is unaligned or outside Sv39's lower half",
				 cfg->name, i, (unsigned long)m->va);
			return -1;
		}
		int r = wx ? map_image(&p, root, cfg, m)
			   : map_range(&p, root, m->va, m->pa, m->size, m->attr);
		if (r == -1)
			kern_log("mmu: shard %s: page-table pool of %lu bytes is too small", cfg->name,
				 (unsigned long)cfg->pt_size);
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
