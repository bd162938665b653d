/* Hot reload in the simulator (docs/reload.md, "Swap"): the platform's
 * half of the swap, plat_shard_prepare/install/commit.
 *
 * Without stalling the swapped shard's core: plat_shard_prepare runs on
 * the console thread (sim/port.c) once the package is verified, and does
 * the expensive part of the install there: the new executable into a
 * memfd, fork + fexecve, the dynamic loader, mapping the shared objects.
 * The new process waits for its first turn on the shard's other mailbox
 * slot, not pinned yet, so it starts on whichever host CPU is free, and is
 * pinned once it sleeps. At the yield, plat_shard_install only switches
 * the shard's pid and mailbox to it; the old one is killed and reaped off
 * the core (sim_reap_retired: the main thread's loop, or before the next
 * prepare reuses its slot).
 *
 * Hand-over: `prep` is the console thread's until kern posts the swap
 * request (after this returns); the core thread takes it at the install
 * with an atomic exchange of `prep.pid`. Every swap that was posted reaches
 * the install, which takes or reaps the prepared process; the end of the
 * run kills one nobody took.
 *
 * Images: the install runs the new executable as the trial image, which
 * plat_shard_commit makes the committed one (what plat_shard_load
 * spawns), and any later load (a rollback) drops. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <kern/arch.h>
#include <sim/probe.h>
#include "sim.h"

/* TESS_SIM_PREPARE=0: the whole install at the yield, as before prepare
 * existed (bench/sim_reload.py --compare measures both). */
static bool no_prepare(void)
{
	const char *v = getenv("TESS_SIM_PREPARE");

	return v && strcmp(v, "0") == 0;
}

int plat_shard_prepare(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	struct sim_shard *sh = &sim_shards[cfg->id];
	unsigned slot = 1 - sh->slot;
	pid_t pid;

	/* The other slot's last user was the version a previous swap
	 * replaced: it must be gone before the slot is reused. */
	sim_reap_retired(true);
	sim_reload_drop_prepared(sh); /* cannot happen: the install took it */
	if (no_prepare())
		return 0;
	if (len < 4 || memcmp(payload, "\177ELF", 4) != 0) {
		fprintf(stderr, "sim| shard %s: the reloaded image is not a host executable\n", cfg->name);
		return -1;
	}
	sh->prep.fd = sim_image_fd(cfg->name, payload, len);
	if (sh->prep.fd < 0) {
		perror("sim| memfd");
		return -1;
	}
	pid = sim_spawn_process(sh, sh->prep.fd, slot, false);
	if (pid < 0) {
		close(sh->prep.fd);
		sh->prep.fd = -1;
		return -1;
	}
	/* Now that it sleeps: from its first turn on it runs on its core's
	 * host CPU, and the install need not make this call. */
	sim_pin(pid, cfg->core);
	sh->prep.slot = slot;
	atomic_store(&sh->prep.pid, pid);
	return 0;
}

/* Take the prepared process as the shard's (core thread, install): the
 * old one is retired. 0, or -1: nothing prepared. */
static int take_prepared(struct sim_shard *sh)
{
	pid_t pid = atomic_exchange(&sh->prep.pid, 0);
	int st;

	if (pid <= 0)
		return -1;
	if (waitpid(pid, &st, WNOHANG) == pid) { /* killed from outside? */
		fprintf(stderr, "sim| shard %s: the prepared process died (status 0x%x)\n", sh->cfg->name,
			st);
		return -1;
	}
	/* The old version, stopped at its yield (load.c): it sleeps on its
	 * own mailbox, which nobody writes any more. Killing it here would let
	 * its exit run on this core's host CPU right now (it is pinned here
	 * and the kill wakes it): the console thread kills and reaps it. */
	if (sh->pid > 0)
		atomic_store(&sh->retired, sh->pid);
	sh->pid = pid;
	sh->slot = sh->prep.slot;
	sh->mb = sim_mailbox(sh->cfg->id, sh->slot);
	sh->turned = false;
	sh->trial_fd = sh->prep.fd;
	sh->prep.fd = -1;
	return 0;
}

void sim_reload_drop_prepared(struct sim_shard *sh)
{
	sim_reap(atomic_exchange(&sh->prep.pid, 0));
	if (sh->prep.fd >= 0)
		close(sh->prep.fd);
	sh->prep.fd = -1;
}

void sim_reap_retired(bool wait)
{
	cpu_set_t here;
	int cpu;

	for (unsigned i = 0; i < tess_system.nshards; i++) {
		struct sim_shard *sh = &sim_shards[tess_system.shards[i].id];
		pid_t pid = atomic_exchange(&sh->retired, 0);

		if (pid <= 0)
			continue;
		/* Its exit (unmapping everything) runs where it is allowed to:
		 * here rather than on the core's host CPU it was pinned to. */
		cpu = sched_getcpu();
		if (cpu >= 0) {
			CPU_ZERO(&here);
			CPU_SET((unsigned)cpu, &here);
			sched_setaffinity(pid, sizeof here, &here);
		}
		kill(pid, SIGKILL); /* again if it is dying: harmless, a zombie keeps its pid */
		if (wait)
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
		else if (waitpid(pid, NULL, WNOHANG) == 0)
			atomic_store(&sh->retired, pid); /* still dying: next time */
	}
}

void sim_reload_drop_trial(struct sim_shard *sh)
{
	if (sh->trial_fd >= 0)
		close(sh->trial_fd);
	sh->trial_fd = -1;
}

/* At the shard's yield, on its core: normally a switch to the process
 * plat_shard_prepare started; without one (it died), the whole spawn
 * happens here. */
int plat_shard_install(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	struct sim_shard *sh = &sim_shards[cfg->id];
	uint64_t t0 = sim_now();

	sim_reload_drop_trial(sh);
	if (take_prepared(sh) == 0) {
		sim_probe_install(cfg, sim_now() - t0);
		return 0;
	}
	if (sh->prep.fd >= 0) {
		sh->trial_fd = sh->prep.fd;
		sh->prep.fd = -1;
	} else if (len < 4 || memcmp(payload, "\177ELF", 4) != 0) {
		fprintf(stderr, "sim| shard %s: the reloaded image is not a host executable\n", cfg->name);
		return -1;
	} else {
		sh->trial_fd = sim_image_fd(cfg->name, payload, len);
	}
	if (sh->trial_fd < 0) {
		perror("sim| memfd");
		return -1;
	}
	if (sim_respawn(sh, sh->trial_fd) != 0)
		return -1;
	sim_probe_install(cfg, sim_now() - t0);
	return 0;
}

int plat_shard_commit(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	struct sim_shard *sh = &sim_shards[cfg->id];

	(void)payload, (void)len; /* already in trial_fd */
	if (sh->trial_fd < 0)
		return -1;
	close(sh->exe_fd);
	sh->exe_fd = sh->trial_fd;
	sh->trial_fd = -1;
	return 0;
}
