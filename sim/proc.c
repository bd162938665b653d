/* Shard processes: spawn one from an executable in a memfd (image.c) on a
 * mailbox slot, handed only its grants, under its own identity and a
 * seccomp filter (docs/simulator.md "Isolation"), and wait until it has
 * mapped its memory; pin, kill and reap them. What is spawned when is
 * load.c's and reload.c's business. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sim/confine.h>
#include <sim/futex.h>
#include "sim.h"

extern char **environ;

static char **child_env;
static pid_t sim_pid;
static int dev_null = -1;

/* Our SIGSEGV handler must see the signal, not ASan's (sim/shard/fault.c). */
static const char asan_opts[] = "handle_segv=0:handle_sigbus=0:handle_sigill=0:handle_sigfpe=0:"
				"allow_user_segv_handler=1:detect_leaks=0";

/* Built once before any thread exists: after fork() in a threaded process
 * the child may only make async-signal-safe calls, so no malloc there. */
static int build_env(void)
{
	size_t n = 0, i = 0;
	const char *old = getenv("ASAN_OPTIONS");
	char *opt;

	while (environ[n])
		n++;
	child_env = calloc(n + 2, sizeof *child_env);
	opt = malloc(sizeof asan_opts + (old ? strlen(old) + 1 : 0) + sizeof "ASAN_OPTIONS=");
	if (!child_env || !opt)
		return -1;
	sprintf(opt, "ASAN_OPTIONS=%s%s%s", old ? old : "", old ? ":" : "", asan_opts);
	child_env[i++] = opt;
	for (size_t k = 0; k < n; k++)
		if (strncmp(environ[k], "ASAN_OPTIONS=", 13) != 0)
			child_env[i++] = environ[k];
	return 0;
}

/* Once, before any thread exists. */
int sim_proc_init(void)
{
	sim_pid = getpid();
	dev_null = sim_fd_high(open("/dev/null", O_RDWR | O_CLOEXEC));
	return dev_null < 0 ? -1 : build_env();
}

static void move_fd(int from, int to)
{
	if (from != to)
		dup2(from, to);
	fcntl(to, F_SETFD, 0); /* keep across exec */
}

/* The child's descriptors are its grants (mailbox, shared objects: see
 * sim/include/sim/mailbox.h), /dev/null as stdin and the simulator's
 * stderr as stdout and stderr: its raw output never reaches the console
 * (stdout, the console port), which carries only what kern/ wrote.
 * Everything else is closed at exec. The sources are all >= 64 (ram.c,
 * image.c), so no move clobbers one still to come. */
static void grant_fds(const struct sim_shard *sh)
{
	const struct tess_shard_cfg *c = sh->cfg;

	move_fd(dev_null, 0);
	move_fd(2, 1);
	move_fd(sim_mailbox_fd(c->id), SIM_FD_MBOX);
	for (unsigned m = 0; m < c->nmaps; m++)
		if (sim_map_fd(&c->maps[m]) >= 0)
			move_fd(sim_map_fd(&c->maps[m]), SIM_FD_MAP0 + (int)m);
	syscall(SYS_close_range, SIM_FD_MAP0 + c->nmaps, ~0u, CLOSE_RANGE_CLOEXEC);
}

/* As root, the shard runs as nobody (65534) with no groups: no
 * capabilities (so the simulator's non-dumpable state keeps it out of
 * /proc/<sim>), and none of root's files, the device key included. As
 * anyone else it keeps the user's identity, without capabilities. */
static int drop_privileges(void)
{
	if (geteuid() != 0)
		return 0;
	if (syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setresgid, 65534, 65534, 65534) != 0 ||
	    syscall(SYS_setresuid, 65534, 65534, 65534) != 0)
		return -1;
	return 0;
}

/* Runs in the forked child: async-signal-safe calls only. */
static _Noreturn void child(struct sim_shard *sh, int exe, unsigned slot, bool pin)
{
	char *argv[] = {sh->path, sh->mbox_arg[slot], NULL};
	struct sigaction ign = {.sa_handler = SIG_IGN};
	cpu_set_t cpus;
	sigset_t none;

	grant_fds(sh);
	if (drop_privileges() != 0)
		_exit(125);
	/* Nothing outlives the simulator, whichever way it ends (after the
	 * identity change, which clears the death signal). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != sim_pid)
		_exit(126);
	if (pin) {
		CPU_ZERO(&cpus);
		CPU_SET(sim_host_cpu(sh->cfg->core), &cpus);
		sched_setaffinity(0, sizeof cpus, &cpus);
	}
	/* Ctrl-C in the terminal is for the simulator, which then kills us. */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* From here on no other process can be reached, not even by code
	 * that runs before the shard's main(). */
	if (sim_confine_spawn(getpid()) != 0)
		_exit(124);
	fexecve(exe, argv, child_env); /* the image in memory (image.c) */
	_exit(127);
}

void sim_pin(pid_t pid, unsigned core)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(sim_host_cpu(core), &cpus);
	sched_setaffinity(pid, sizeof cpus, &cpus);
}

void sim_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Wait for the new process to map its memory; it may die trying. */
static int wait_ready(struct sim_shard *sh, pid_t pid, struct sim_mailbox *mb)
{
	uint64_t give_up = sim_now() + 10000000000u;
	int st;

	while (!atomic_load(&mb->ready)) {
		struct timespec dl = sim_abs(sim_now() + 20000000u);

		sim_futex_wait(&mb->ready, 0, &dl);
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "sim| shard %s: process exited during start-up (status 0x%x)\n",
				sh->cfg->name, st);
			return -1;
		}
		if (sim_now() > give_up) {
			fprintf(stderr, "sim| shard %s: process not ready after 10 s\n", sh->cfg->name);
			sim_reap(pid);
			return -1;
		}
	}
	return 0;
}

pid_t sim_spawn_process(struct sim_shard *sh, int exe, unsigned slot, bool pin)
{
	struct sim_mailbox *mb = sim_mailbox(sh->cfg->id, slot);
	pid_t pid;

	/* Each lane's thread pins itself to its core's host CPU (start.c). */
	for (unsigned l = 0; l < sh->cfg->nlanes; l++) {
		struct sim_mailbox *lm = sim_lane_mailbox(mb, l);

		memset(lm, 0, sizeof *lm);
		lm->cpu = sim_host_cpu(sh->cfg->lanes[l].core);
	}
	pid = fork();
	if (pid < 0) {
		perror("sim| fork");
		return -1;
	}
	if (pid == 0)
		child(sh, exe, slot, pin);
	return wait_ready(sh, pid, mb) == 0 ? pid : -1;
}

int sim_respawn(struct sim_shard *sh, int exe)
{
	pid_t pid;

	sim_reap(sh->pid);
	sh->pid = 0;
	sh->turned = false;
	pid = sim_spawn_process(sh, exe, sh->slot, true);
	if (pid < 0)
		return -1;
	sh->pid = pid;
	return 0;
}
