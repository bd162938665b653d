/* One Sv39 address space per shard, built once at boot in the shard's
 * planner-reserved pool [pt_pa, pt_pa + pt_size). The lower half holds the
 * shard's cfg->maps as U pages (platform/common/pt.c builds them from the
 * entry format below); the upper half shares the kernel's slots
 * (global, supervisor-only), so traps need no satp switch. The shard's satp
 * carries ASID = shard id + 1 (ASID 0 is the kernel's), priv spec §4.1.11. */
#include <kern/arch.h>
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/pte.h>
#include <plat/pt.h>

static uint64_t shard_satp[TESS_MAX_SHARDS];

/* A leaf PTE of a shard map. */
static uint64_t page(uint64_t pa, uint32_t attr)
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
	return pte_make(pa, b);
}

/* R = W = X = 0: a pointer to the next level (Table 4.5). */
static uint64_t table(uint64_t pa)
{
	return pte_make(pa, PTE_V);
}

const struct pt_fmt rv_shard_pt = {SV39_LEVELS, SV39_USER_TOP, PTE_V, table, page, pte_pa};

int arch_aspace_build(const struct tess_shard_cfg *cfg)
{
	uint64_t *root = cfg->id < TESS_MAX_SHARDS ? pt_build(&rv_shard_pt, cfg) : 0;
	if (!root)
		return -1;
	for (unsigned i = 256; i < 512; i++)
		root[i] = rv_kernel_root[i];
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
