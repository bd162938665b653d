/* One 4-level address space per shard, built once at boot in the shard's
 * planner-reserved pool [pt_pa, pt_pa + pt_size). The lower half holds the
 * shard's cfg->maps as user pages; PML4 slot 511 is the kernel's (shared
 * PDPT, supervisor-only, global), so a trap needs no CR3 load. With PCID
 * the shard's CR3 carries PCID = shard id + 1 (PCID 0 is the kernel's
 * table, used only at boot) and loads keep its TLB entries (SDM Vol. 3A
 * §4.10.1); without, every CR3 load drops the non-global entries. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/load.h>
#include <x86/plat.h>
#include <x86/pte.h>
#include <x86/regs.h>

static uint64_t shard_cr3[TESS_MAX_SHARDS];

struct pool {
	uint64_t next, end; /* physical */
};

static uint64_t *pool_alloc(struct pool *p)
{
	if (p->next + TESS_PAGE_SIZE > p->end || p->end > X86_RAM_LIMIT)
		return 0;
	uint64_t *t = x86_kva(p->next);
	p->next += TESS_PAGE_SIZE;
	for (unsigned i = 0; i < 512; i++)
		t[i] = 0;
	return t;
}

/* Leaf bits of a shard map: user, writable only if W, no-execute unless X
 * (device windows never execute), device windows uncached. */
static uint64_t user_bits(uint32_t attr)
{
	uint64_t b = PTE_P | PTE_U;
	if (attr & TESS_MAP_W)
		b |= PTE_W;
	if (!(attr & TESS_MAP_X) || (attr & TESS_MAP_DEVICE))
		b |= PTE_NX;
	if (attr & TESS_MAP_DEVICE)
		b |= PTE_PCD | PTE_PWT;
	return b;
}

/* The leaf entry of `va` (created with its tables if `p`), or NULL. */
static uint64_t *leaf(struct pool *p, uint64_t *root, uint64_t va)
{
	uint64_t *t = root;
	for (unsigned level = X86_LEVELS - 1; level > 0; level--) {
		uint64_t *e = &t[pt_index(va, level)];
		if (!(*e & PTE_P)) {
			uint64_t *n = p ? pool_alloc(p) : 0;
			if (!n)
				return 0;
			*e = x86_kpa(n) | PTE_TABLE;
		}
		t = x86_kva(*e & PTE_ADDR);
	}
	return &t[pt_index(va, 0)];
}

/* 0; -1: pool exhausted; -2: the page is mapped already. */
static int map_range(struct pool *p, uint64_t *root, uint64_t va, uint64_t pa, uint64_t size, uint32_t attr)
{
	for (uint64_t off = 0; off < size; off += TESS_PAGE_SIZE) {
		uint64_t *e = leaf(p, root, va + off);
		if (!e)
			return -1;
		if (*e & PTE_P)
			return -2;
		*e = (pa + off) | user_bits(attr);
	}
	return 0;
}

/* W^X for the shard image (as on the other targets): the planner gives it
 * as one R+W+X map; the first exec_pages of its part (code and rodata)
 * become R+X, the rest R+W. */
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

static const char *map_problem(const struct tess_map *m)
{
	if ((m->attr & TESS_MAP_W) && (m->attr & TESS_MAP_X) && m->kind != TESS_MAP_KIND_IMAGE)
		return "is writable and executable";
	if ((m->va | m->pa | m->size) & (TESS_PAGE_SIZE - 1) || m->va + m->size < m->va)
		return "is not page aligned";
	/* The last lower-half page stays unmapped (trap.c: no SYSRET to a
	 * non-canonical RIP). */
	if (m->va + m->size > X86_USER_TOP)
		return "leaves the lower half";
	if (m->kind == TESS_MAP_KIND_MMIO && m->pa < 0x100000)
		return "is a device window in the first MiB (a port-I/O device? ports are never granted)";
	if (m->kind != TESS_MAP_KIND_MMIO && m->pa + m->size > X86_RAM_LIMIT)
		return "is memory beyond the kernel's 1 GiB map";
	return 0;
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
	root[511] = x86_kernel_pml4[511];
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];
		const char *why = map_problem(m);
		if (why) {
			kern_log("mmu: shard %s: map %u at 0x%lx %s: refused", cfg->name, i,
				 (unsigned long)m->va, why);
			return -1;
		}
		bool wx = (m->attr & TESS_MAP_W) && (m->attr & TESS_MAP_X);
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
	shard_cr3[cfg->id] = x86_kpa(root) | (x86_feat.pcid ? cfg->id + 1u : 0);
	return 0;
}

uint64_t x86_shard_cr3(unsigned shard_id)
{
	return shard_id < TESS_MAX_SHARDS ? shard_cr3[shard_id] : 0;
}

void x86_mmu_switch(struct x86_cpu *cpu, uint64_t cr3)
{
	if (cpu->cr3 == cr3)
		return;
	CR_WRITE(cr3, x86_feat.pcid ? cr3 | CR3_NOFLUSH : cr3);
	cpu->cr3 = cr3;
}

static const struct tess_map *image_map(const struct tess_shard_cfg *cfg)
{
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];
		if (m->kind == TESS_MAP_KIND_IMAGE && (m->attr & TESS_MAP_W) && (m->attr & TESS_MAP_X))
			return m;
	}
	return 0;
}

/* Drop this core's translations of the shard (it only ever runs on its
 * own core, and plat_shard_load/install run there, or at boot before the
 * other cores start). Current: INVLPG each page. Else with PCID its
 * entries may be cached under its PCID: INVPCID single-context, or a
 * flushing load of its CR3 and back (SDM Vol. 3A §4.10.4.1). Without PCID
 * a CR3 load already dropped them. */
static void flush(const struct tess_shard_cfg *cfg, const struct tess_map *m)
{
	uint64_t mine = shard_cr3[cfg->id], cur = CR_READ(cr3);
	if (cur == mine) {
		for (uint64_t off = 0; off < m->size; off += TESS_PAGE_SIZE)
			__asm__ volatile("invlpg (%0)" ::"r"(m->va + off) : "memory");
	} else if (x86_feat.pcid && x86_feat.invpcid) {
		struct {
			uint64_t pcid, addr;
		} d = {mine & 0xfff, 0};
		__asm__ volatile("invpcid %0, %1" ::"m"(d), "r"(1ul) : "memory");
	} else if (x86_feat.pcid) {
		CR_WRITE(cr3, mine);
		CR_WRITE(cr3, cur | CR3_NOFLUSH);
	}
}

int x86_mmu_set_exec(const struct tess_shard_cfg *cfg, uint64_t rx)
{
	const struct tess_map *m = image_map(cfg);
	uint64_t cr3 = x86_shard_cr3(cfg->id);
	if (!m)
		return 0;
	if (rx > m->size || rx % TESS_PAGE_SIZE || !cr3)
		return -1;
	uint64_t *root = x86_kva(cr3 & PTE_ADDR);
	for (uint64_t off = 0; off < m->size; off += TESS_PAGE_SIZE) {
		uint64_t *e = leaf(0, root, m->va + off);
		if (!e)
			return -1;
		*e = (m->pa + off) | user_bits(off < rx ? TESS_MAP_R | TESS_MAP_X : TESS_MAP_R | TESS_MAP_W);
	}
	flush(cfg, m);
	return 0;
}
