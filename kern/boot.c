/* Boot sequencing on the boot core: check the tables, format the channel
 * rings, then for every shard build its address space, fill its control
 * page, load it and prepare its first context. Runs before the other cores
 * start. */
#include <kern/lib.h>
#include <kern/priv.h>
#include <kern/crash.h>
#include <kern/sched.h>

const struct tess_system_cfg *kern_sys;
struct kern_core kern_cores[TESS_MAX_CORES];

static void reset_state(const struct tess_system_cfg *sys)
{
	memset(kern_shards, 0, sizeof(kern_shards));
	memset(kern_cores, 0, sizeof(kern_cores));
	kern_trace_reset();
	kern_crash_reset();
	reload_swap_reset();
	kern_sys = sys;
}

int kern_boot_cfg(const struct tess_system_cfg *sys)
{
	int problems;

	reset_state(sys);
	problems = kern_check_tables(sys);
	if (problems) {
		kern_log("boot: %d problem%s in the tables of %s, not starting", problems,
			 problems == 1 ? "" : "s", sys->name ? sys->name : "?");
		kern_sys = 0;
		return -1;
	}
	for (unsigned i = 0; i < sys->nshards; i++)
		if (sys->shards[i].nlanes > plat_max_lanes()) {
			kern_log("shard %s: %u lanes, but this platform runs at most %u per shard",
				 sys->shards[i].name, sys->shards[i].nlanes, plat_max_lanes());
			kern_sys = 0;
			return -1;
		}
	kern_chan_boot(sys);
	for (unsigned i = 0; i < sys->nshards; i++) {
		struct kern_shard *s = &kern_shards[i];

		s->cfg = &sys->shards[i];
		kern_lanes_boot(s);
		s->version = plat_shard_boot_version(s->cfg);
	}
	for (unsigned k = 0; k < sys->ncores; k++)
		for (unsigned j = 0; j < sys->cores[k].nshards; j++)
			kern_cores[k].lanes[j] =
				kern_lane(&kern_shards[sys->cores[k].order[j]],
					  (unsigned)kern_lane_on(&sys->shards[sys->cores[k].order[j]], k));
	kern_rollback_boot();
	for (unsigned i = 0; i < sys->nshards; i++) {
		struct kern_shard *s = &kern_shards[i];

		if (arch_aspace_build(s->cfg) != 0) {
			kern_log("shard %s: address space not built (see the platform's line)", s->cfg->name);
			return -1;
		}
		if (kern_shard_start(s, TESS_START_FIRST) != 0)
			return -1;
		kern_trace(plat_core_id(), i, KT_BOOT, s->cfg->core);
		if (s->cfg->nlanes == 1)
			kern_log("shard %s: started on core %u", s->cfg->name, s->cfg->core);
		else
			kern_log("shard %s: started on cores %u-%u (%u lanes)", s->cfg->name, s->cfg->core,
				 s->cfg->lanes[s->cfg->nlanes - 1].core, s->cfg->nlanes);
	}
	return 0;
}
