/* W^X of a shard image after (re)loading it. The planner gives the image
 * as one R+W+X map; mmu_shard.c splits it at boot by the boot image's code
 * size, and every load sets the split of the image actually loaded (a hot
 * reload may bring more or less code; platform/common/pt.c rewrites the
 * leaves). Changing leaf PTEs of a live address space needs SFENCE.VMA for
 * the shard's ASID on every hart that runs one of its lanes (priv spec
 * v1.12 §4.2.1); a remote hart is reached through SBI RFENCE
 * remote_sfence_vma_asid (SBI v1.0.0 §8.4). */
#include <kern/arch.h>
#include <plat/load.h>
#include <plat/pt.h>
#include <plat/halt.h>
#include <rv/plat.h>
#include <rv/sbi.h>

int arch_mmu_set_exec(const struct tess_shard_cfg *cfg, uint64_t rx)
{
	uint64_t satp = rv_shard_satp(cfg->id);
	if (!satp || pt_set_exec(&rv_shard_pt, cfg, rv_kva((satp & ((1ull << 44) - 1)) << 12), rx) < 0)
		return -1;
	unsigned long asid = cfg->id + 1;
	__asm__ volatile("fence rw, rw\n sfence.vma zero, %0" ::"r"(asid) : "memory");
	/* Another core may hold the old translations (core n = hart n): every
	 * core a lane of the shard runs on; one that has not started has none
	 * (and must not be waited for). */
	for (unsigned l = 0; l < cfg->nlanes; l++) {
		unsigned core = cfg->lanes[l].core;

		if (core != plat_core_id() && arch_core_started(core))
			sbi_remote_sfence_asid(core, asid);
	}
	return 0;
}

/* Every lane of a multi-core shard runs on its hart with the shard's one
 * satp (one ASID); the SFENCE of a (re)load reaches each lane's hart
 * (arch_mmu_set_exec) and each hart fences its instruction fetches before
 * it runs code written elsewhere (trap.c). */
unsigned plat_max_lanes(void)
{
	return TESS_MAX_LANES;
}
