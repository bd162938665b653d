/* W^X of a shard image after (re)loading it. The planner gives the image
 * as one R+W+X map; mmu_shard.c splits it at boot by the boot image's code
 * size, and every load sets the split of the image actually loaded (a hot
 * reload may bring more or less code). Changing leaf PTEs of a live
 * address space needs SFENCE.VMA for the shard's ASID on the hart that
 * runs it (priv spec v1.12 §4.2.1); a remote hart is reached through SBI
 * RFENCE remote_sfence_vma_asid (SBI v1.0.0 §8.4). */
#include <kern/arch.h>
#include <kern/kern.h>
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/pte.h>
#include <rv/sbi.h>

/* The leaf PTE of `va` in the table at `root`, or NULL. */
static uint64_t *leaf_of(uint64_t *root, uint64_t va)
{
	uint64_t *t = root;
	for (unsigned level = 2; level > 0; level--) {
		uint64_t e = t[sv39_index(va, level)];
		if (!(e & PTE_V) || (e & (PTE_R | PTE_W | PTE_X)))
			return 0;
		t = rv_kva(pte_pa(e));
	}
	return &t[sv39_index(va, 0)];
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

int rv_mmu_set_exec(const struct tess_shard_cfg *cfg, uint64_t rx)
{
	const struct tess_map *m = image_map(cfg);
	uint64_t satp = rv_shard_satp(cfg->id);
	if (!m) /* the tables split the image themselves (stand-in tables) */
		return 0;
	if (rx > m->size || rx % TESS_PAGE_SIZE || !satp)
		return -1;
	uint64_t *root = rv_kva((satp & ((1ull << 44) - 1)) << 12);
	for (uint64_t off = 0; off < m->size; off += TESS_PAGE_SIZE) {
		uint64_t *pte = leaf_of(root, m->va + off);
		if (!pte)
			return -1;
		uint32_t attr = off < rx ? TESS_MAP_R | TESS_MAP_X : TESS_MAP_R | TESS_MAP_W;
		*pte = pte_make(m->pa + off, rv_pte_user_bits(attr));
	}
	unsigned long asid = cfg->id + 1;
	__asm__ volatile("fence rw, rw\n sfence.vma zero, %0" ::"r"(asid) : "memory");
	/* Another core may hold the old translations (core n = hart n); one
	 * that has not started has none (and must not be waited for). */
	if (cfg->core != plat_core_id() && rv_core_started(cfg->core))
		sbi_remote_sfence_asid(cfg->core, asid);
	return 0;
}
