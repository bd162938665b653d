/* Shard address spaces: one TTBR0 translation table tree per shard, 4 KiB
 * granule, 39-bit VA (TCR_EL1.T0SZ=25, so the walk starts at level 1;
 * Arm ARM DDI0487 D8.2 VMSAv8-64 translation), built once at boot in the
 * planner-reserved pool [pt_pa, pt_pa + pt_size): no heap. Every shard has
 * its own ASID (shard id + 1) in TTBR0_EL1[63:48], so switching shards
 * needs no TLB maintenance. The kernel lives in TTBR1 and is invisible to
 * EL0 (AP[1]=0 there). */
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
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

/* A level-3 page descriptor of a shard map. */
static uint64_t page(uint64_t pa, uint32_t attr)
{
	uint64_t d = D_VALID | D_TABLE | D_AF | D_NG | D_AP_EL0 | D_PXN;
	if (!(attr & TESS_MAP_W))
		d |= D_AP_RO;
	if (!(attr & TESS_MAP_X) || (attr & TESS_MAP_DEVICE))
		d |= D_UXN;
	/* Devices: Device-nGnRE (attr0), never executable; RAM: Normal WB
	 * (attr1), or Normal Non-cacheable (attr2) for an uncached DMA region,
	 * which is outer shareable whatever SH says (D8.5.2). */
	if (attr & TESS_MAP_DEVICE)
		d |= D_ATTR(0);
	else
		d |= ((attr & TESS_MAP_NC) ? D_ATTR(2) : D_ATTR(1)) | D_SH_IN;
	return (pa & ADDR_MASK) | d;
}

/* A level-1/2 table descriptor. */
static uint64_t table(uint64_t pa)
{
	return pa | D_TABLE | D_VALID;
}

static uint64_t entry_pa(uint64_t e)
{
	return e & ADDR_MASK;
}

/* Levels 1 to 3 (the walk starts at level 1 for a 39-bit VA). */
static const struct pt_fmt a64_pt = {3, VA_LIMIT, D_VALID, table, page, entry_pa};

int arch_aspace_build(const struct tess_shard_cfg *cfg)
{
	uint64_t *l1 = cfg->id < TESS_MAX_SHARDS ? pt_build(&a64_pt, cfg) : 0;
	if (!l1)
		return -1;
	DSB(ishst); /* tables visible to the walkers of every core */
	ttbr0[cfg->id] = arch_kernel_pa(l1) | ((uint64_t)(cfg->id + 1) << 48);
	return 0;
}

/* Move the image's W^X split to `rx` bytes of code (hot reload, or the
 * rollback to the previous image). The shard is not running anywhere;
 * stale translations of its ASID are dropped on every core (TLBI ASIDE1IS,
 * Arm ARM D8.13 TLB maintenance). */
int arch_mmu_set_exec(const struct tess_shard_cfg *cfg, uint64_t rx)
{
	uint64_t ttbr = cfg->id < TESS_MAX_SHARDS ? ttbr0[cfg->id] : 0;
	if (!ttbr || pt_set_exec(&a64_pt, cfg, a64_kva(ttbr & ADDR_MASK), rx) < 0)
		return -1;
	uint64_t asid = (uint64_t)(cfg->id + 1) << 48;
	__asm__ volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb" ::"r"(asid) : "memory");
	return 0;
}

uint64_t a64_ttbr0_of(unsigned shard_id)
{
	return ttbr0[shard_id];
}
