/* Shard address spaces: one TTBR0 translation table tree per shard, 4 KiB
 * granule, 39-bit VA (TCR_EL1.T0SZ=25, so the walk starts at level 1;
 * Arm ARM DDI0487 D8.2 VMSAv8-64 translation), built once at boot in the
 * planner-reserved pool [pt_pa, pt_pa + pt_size): no heap. Every shard has
 * its own ASID (shard id + 1) in TTBR0_EL1[63:48], so switching shards
 * needs no TLB maintenance. The kernel lives in TTBR1 and is invisible to
 * EL0 (AP[1]=0 there). */
#include <stdbool.h>
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/load.h>
#include <plat/pt.h>

/* Level 3 page descriptor bits (D8.3.2 and D8.4 attributes). */
#define D_VALID	  (1ull << 0)
#define D_TABLE	  (1ull << 1)	       /* level 0-2: next-level table; level 3: page */
#define D_ATTR(i) ((uint64_t)(i) << 2) /* AttrIndx into MAIR_EL1 (boot.S) */
#define D_AP_EL0  (1ull << 6)	       /* AP[1]: EL0 may access */
#define D_AP_RO	  (1ull << 7)	       /* AP[2]: read-only at every EL */
#define D_SH_IN	  (3ull << 8)	       /* inner shareable */
#define D_AF	  (1ull << 10)	       /* access flag: no AF faults */
#define D_NG	  (1ull << 11)	       /* not global: tagged with the ASID */
#define D_PXN	  (1ull << 53)	       /* never executable at EL1 */
#define D_UXN	  (1ull << 54)	       /* not executable at EL0 */
#define ADDR_MASK 0x000000fffffff000ull
#define VA_LIMIT  (1ull << 39)

static uint64_t ttbr0[TESS_MAX_SHARDS];
/* Per shard: its level-1 table and the image map with its current split,
 * so a hot-reloaded image with another code size gets its own W^X split
 * (a64_mmu_set_exec). */
static struct {
	uint64_t *l1;
	struct tess_map image;
	uint64_t rx;
} spaces[TESS_MAX_SHARDS];

/* Descend one level: the table entry `e` points to, created on demand. */
static uint64_t *next_level(struct pt_pool *p, uint64_t *e)
{
	if (*e & D_VALID)
		return a64_kva(*e & ADDR_MASK);
	uint64_t *t = pt_pool_alloc(p);
	if (!t)
		return 0;
	*e = a64_kpa(t) | D_TABLE | D_VALID;
	return t;
}

static uint64_t leaf_bits(uint32_t attr)
{
	uint64_t d = D_VALID | D_TABLE | D_AF | D_NG | D_AP_EL0 | D_PXN;
	if (!(attr & TESS_MAP_W))
		d |= D_AP_RO;
	if (!(attr & TESS_MAP_X) || (attr & TESS_MAP_DEVICE))
		d |= D_UXN;
	/* Devices: Device-nGnRE (attr0), never executable; RAM: Normal WB. */
	d |= (attr & TESS_MAP_DEVICE) ? D_ATTR(0) : (D_ATTR(1) | D_SH_IN);
	return d;
}

static int map_one(struct pt_pool *p, uint64_t *l1, const struct tess_map *m)
{
	for (uint64_t off = 0; off < m->size; off += TESS_PAGE_SIZE) {
		uint64_t va = m->va + off;
		uint64_t *l2 = next_level(p, &l1[(va >> 30) & 511]);
		uint64_t *l3 = l2 ? next_level(p, &l2[(va >> 21) & 511]) : 0;
		if (!l3)
			return -1;
		l3[(va >> 12) & 511] = ((m->pa + off) & ADDR_MASK) | leaf_bits(m->attr);
	}
	return 0;
}

/* The image map split W^X (pt_image_rx); the data half is never executable. */
static int map_image(struct pt_pool *p, uint64_t *l1, const struct tess_shard_cfg *cfg,
		     const struct tess_map *m)
{
	uint64_t rx;
	if (pt_image_rx(cfg, m, &rx) < 0)
		return -1;
	spaces[cfg->id].l1 = l1;
	spaces[cfg->id].image = *m;
	spaces[cfg->id].rx = rx;
	struct tess_map code = {m->va, m->pa, rx, TESS_MAP_R | TESS_MAP_X, m->kind};
	struct tess_map data = {m->va + rx, m->pa + rx, m->size - rx, TESS_MAP_R | TESS_MAP_W, m->kind};
	return map_one(p, l1, &code) < 0 || map_one(p, l1, &data) < 0 ? -2 : 0;
}

int arch_aspace_build(const struct tess_shard_cfg *cfg)
{
	struct pt_pool p = pt_pool_of(cfg);
	uint64_t *l1 = pt_pool_alloc(&p);
	if (!l1 || cfg->id >= TESS_MAX_SHARDS)
		return pt_pool_short(cfg);
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];
		bool wx = (m->attr & TESS_MAP_W) && (m->attr & TESS_MAP_X);
		if (pt_map_check(cfg, i, VA_LIMIT) < 0)
			return -1;
		int r = wx ? map_image(&p, l1, cfg, m) : map_one(&p, l1, m);
		if (r == -1 && wx)
			return -1;
		if (r < 0)
			return pt_pool_short(cfg);
	}
	DSB(ishst); /* tables visible to the walkers of every core */
	ttbr0[cfg->id] = cfg->pt_pa | ((uint64_t)(cfg->id + 1) << 48);
	return 0;
}

/* The level-3 entry of an already mapped VA, or NULL. */
static uint64_t *leaf_of(uint64_t *l1, uint64_t va)
{
	uint64_t e = l1[(va >> 30) & 511];
	if (!(e & D_VALID))
		return 0;
	uint64_t *l2 = a64_kva(e & ADDR_MASK);
	e = l2[(va >> 21) & 511];
	if (!(e & D_VALID))
		return 0;
	uint64_t *l3 = a64_kva(e & ADDR_MASK);
	return &l3[(va >> 12) & 511];
}

/* Move the image's W^X split to `rx` bytes of code (hot reload, or the
 * rollback to the previous image). The shard is not running anywhere;
 * stale translations of its ASID are dropped on every core (TLBI ASIDE1IS,
 * Arm ARM D8.13 TLB maintenance). */
int a64_mmu_set_exec(const struct tess_shard_cfg *cfg, uint64_t rx)
{
	if (cfg->id >= TESS_MAX_SHARDS || !spaces[cfg->id].l1)
		return rx == plat_image_exec_size(cfg->name) ? 0 : -1;
	const struct tess_map *m = &spaces[cfg->id].image;
	if (rx > m->size || (rx & (TESS_PAGE_SIZE - 1)))
		return -1;
	if (rx == spaces[cfg->id].rx)
		return 0;
	for (uint64_t off = 0; off < m->size; off += TESS_PAGE_SIZE) {
		uint64_t *e = leaf_of(spaces[cfg->id].l1, m->va + off);
		if (!e)
			return -1;
		uint32_t attr = off < rx ? TESS_MAP_R | TESS_MAP_X : TESS_MAP_R | TESS_MAP_W;
		*e = ((m->pa + off) & ADDR_MASK) | leaf_bits(attr);
	}
	spaces[cfg->id].rx = rx;
	uint64_t asid = (uint64_t)(cfg->id + 1) << 48;
	__asm__ volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb" ::"r"(asid) : "memory");
	return 0;
}

uint64_t a64_ttbr0_of(unsigned shard_id)
{
	return ttbr0[shard_id];
}
