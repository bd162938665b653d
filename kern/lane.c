/* Lanes of a multi-core shard (docs/design.md "Lanes"): lane i runs on the
 * core the tables list i-th. Every lane index and core the kernel uses
 * comes from here, checked against the shard's own nlanes. */
#include <kern/priv.h>

int kern_lane_on(const struct tess_shard_cfg *cfg, unsigned core)
{
	for (unsigned l = 0; cfg->lanes && l < cfg->nlanes && l < TESS_MAX_LANES; l++)
		if (cfg->lanes[l].core == core)
			return (int)l;
	return -1;
}
