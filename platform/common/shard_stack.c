/* plat_shard_stack (kern/include/kern/arch.h): a shard's stack map, the
 * STACK kind entry of its own table, through the kernel's linear map. */
#include <kern/arch.h>

uint8_t *plat_shard_stack(const struct tess_shard_cfg *cfg, uint64_t *va, uint64_t *len)
{
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		if (cfg->maps[i].kind != TESS_MAP_KIND_STACK)
			continue;
		*va = cfg->maps[i].va;
		*len = cfg->maps[i].size;
		return plat_pa_to_kva(cfg->maps[i].pa);
	}
	return 0;
}
