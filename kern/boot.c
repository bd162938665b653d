/* Boot sequencing on the boot core: check the tables, format the channel
 * rings, then for every shard build its address space, fill its control
 * page, load it and prepare its first context. Runs before the other cores
 * start. */
#include <kern/lib.h>
#include <kern/priv.h>
#include <kern/sched.h>

const struct tess_system_cfg *kern_sys;
struct kern_core kern_cores[TESS_MAX_CORES];

static void reset_state(const struct tess_system_cfg *sys)
{
	memset(kern_shards, 0, sizeof(kern_shards));
	memset(kern_cores, 0, sizeof(kern_cores));
	kern_trace_reset();
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
	kern_chan_boot(sys);
	for (unsigned i = 0; i < sys->nshards; i++) {
		struct kern_shard *s = &kern_shards[i];

		s->cfg = &sys->shards[i];
		s->ctrl = plat_pa_to_kva(s->cfg->ctrl_pa);
		s->version = plat_shard_boot_version(s->cfg);
		kern_set_state(s, KS_INIT);
	}
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
		kern_log("shard %s: started on core %u", s->cfg->name, s->cfg->core);
	}
	return 0;
}
