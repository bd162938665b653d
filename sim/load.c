/* The simulator's shards: the table of their host processes, and the
 * ordinary lifecycle hooks. At start every shard_<name> (built next to
 * tessera-sim) is copied into a memfd (image.c), so rebuilding the file
 * later changes nothing until a reload sends it; plat_shard_load spawns
 * the committed image (proc.c) and plat_shard_stop kills and reaps the
 * process. Persistent memory and channels live in memfds of the
 * simulator's (ram.c), so they survive a restart; everything private starts from scratch, like a
 * reloaded image. Hot reload's hooks are reload.c's. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kern/arch.h>
#include "sim.h"

struct sim_shard sim_shards[TESS_MAX_SHARDS];

/* After sim_ram_init (mailboxes). */
int sim_shards_init(void)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *dir = getenv("TESS_SIM_SHARD_DIR");

	if (len <= 0)
		return -1;
	exe[len] = 0;
	*strrchr(exe, '/') = 0;
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		const struct tess_shard_cfg *cfg = &tess_system.shards[i];
		struct sim_shard *sh = &sim_shards[cfg->id];
		int n = snprintf(sh->path, sizeof sh->path, "%s/shard_%s", dir ? dir : exe, cfg->name);

		sh->cfg = cfg;
		sh->slot = 0;
		sh->mb = sim_mailbox(cfg->id, 0);
		sh->trial_fd = sh->prep.fd = -1;
		for (unsigned slot = 0; slot < SIM_MBOX_SLOTS; slot++)
			snprintf(sh->mbox_arg[slot], sizeof sh->mbox_arg[slot], "%u", slot);
		if (n < 0 || (size_t)n >= sizeof sh->path || access(sh->path, X_OK) != 0) {
			fprintf(stderr, "sim| shard %s: no executable %s\n", cfg->name, sh->path);
			return -1;
		}
		sh->exe_fd = sim_image_from_file(cfg->name, sh->path);
		if (sh->exe_fd < 0)
			return -1;
	}
	return 0;
}

/* The simulator has no boot image, hence no part versions: every shard
 * starts at 1 (its anti-rollback floor, kern/rollback.c, may be higher:
 * sim/nv.c). */
uint64_t plat_shard_boot_version(const struct tess_shard_cfg *cfg)
{
	(void)cfg;
	return 1;
}

int plat_shard_load(const struct tess_shard_cfg *cfg)
{
	struct sim_shard *sh = &sim_shards[cfg->id];

	sim_reload_drop_trial(sh); /* a rollback, or any start after one */
	return sim_respawn(sh, sh->exe_fd);
}

/* A process that gave the turn back while a hot reload's new process
 * waits on the other mailbox slot is the swap's old version: it can only
 * wait on its own mailbox, which nobody writes any more, so it is left to
 * the install (reload.c), which has it killed and reaped off the core. Any
 * other stop, or a start that follows this one instead of the install (the
 * restart of an old version that faulted meanwhile), kills and reaps at
 * once (sim_respawn). */
void plat_shard_stop(const struct tess_shard_cfg *cfg)
{
	struct sim_shard *sh = &sim_shards[cfg->id];

	if (sh->pid <= 0)
		return;
	if (atomic_load(&sh->prep.pid) > 0 &&
	    atomic_load_explicit(&sh->mb->turn, memory_order_acquire) == SIM_TURN_KERNEL)
		return;
	sim_reap(sh->pid);
	sh->pid = 0;
}

/* The end of the run, every core parked: no process outlives it. */
void sim_shards_kill(void)
{
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		struct sim_shard *sh = &sim_shards[tess_system.shards[i].id];

		sim_reap(sh->pid);
		sh->pid = 0;
		sim_reload_drop_prepared(sh);
	}
	sim_reap_retired(true);
}
