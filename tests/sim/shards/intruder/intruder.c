/* intruder: a hostile simulated shard (tests/sim/test_sim_isolation.py,
 * issue 10 item 8). It tries to reach memory and processes it was not
 * granted, each attempt logged with its result, and the simulator must
 * refuse or kill it as a target's MMU would, then apply its policy
 * (restart). Stages, one per life (persistent memory counts them):
 *  0: what code before main() got (reported now): /proc/<ppid>/fd/N and
 *     /proc/<ppid>/mem (the simulator's RAM and every object), the
 *     device key; then, confined: open, socket, fork, mmap of descriptors
 *     it no longer has, mprotect of its read-only region to writable
 *     (all refused), and a write to that region (a fault);
 *  1: ptrace(ATTACH) the simulator;  2: process_vm_readv of it;
 *  3: kill(simulator, SIGKILL);       4: kill(0, SIGKILL) (its group);
 *  5: done. Stages 1-4 must each kill it (SIGSYS). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define MAGIC 0x494e5452u /* "INTR" */

struct state {
	uint32_t magic, stage;
};

/* What the constructor saw, before main() and the simulator's filter. */
static int early_fds, early_fds_errno, early_mem_errno, early_key_errno;

static void tried(int ok, int *err)
{
	*err = ok ? 0 : errno;
}

__attribute__((constructor)) static void before_main(void)
{
	char path[64];
	int fd;

	for (int n = 0; n < 128; n++) {
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)getppid(), n);
		fd = open(path, O_RDWR);
		if (fd >= 0) {
			early_fds++;
			close(fd);
		} else if (errno != ENOENT) {
			early_fds_errno = errno;
		}
	}
	snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
	fd = open(path, O_RDWR);
	tried(fd >= 0, &early_mem_errno);
	/* The device key (tessera sim writes it next to the build). */
	fd = open("build/sim/hostile-sim/hostile-sim.key", O_RDONLY);
	tried(fd >= 0, &early_key_errno);
}

static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

static void confined_attempts(void)
{
	char path[64];
	int e[6];
	void *region = (void *)(uintptr_t)TESS_REGION_SHARED_VA, *m;

	snprintf(path, sizeof path, "/proc/%d/fd/3", (int)getppid());
	e[0] = err_of(open(path, O_RDWR));
	e[1] = err_of(open("/proc/self/maps", O_RDONLY));
	e[2] = err_of(socket(AF_INET, SOCK_STREAM, 0));
	e[3] = err_of(fork());
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 3, 0);
	e[4] = m == MAP_FAILED ? errno : 0;
	e[5] = err_of(mprotect(region, 4096, PROT_READ | PROT_WRITE));
	tess_log("confined: open /proc/ppid/fd/3 errno %d, open /proc/self/maps errno %d, socket errno %d, "
		 "fork errno %d, mmap fd 3 errno %d, mprotect read-only region errno %d",
		 e[0], e[1], e[2], e[3], e[4], e[5]);
}

__attribute__((no_sanitize("address", "undefined"), noinline)) static void write_region(void)
{
	*(volatile uint32_t *)(uintptr_t)TESS_REGION_SHARED_VA = 0xbad;
}

void shard_init(enum tess_start_reason why)
{
	size_t size = 0;
	struct state *st = tess_persistent(&size);
	char buf[8];
	struct iovec local = {buf, sizeof buf}, remote = {(void *)0x1000, sizeof buf};

	if (st->magic != MAGIC) {
		st->magic = MAGIC;
		st->stage = 0;
	}
	tess_log("up (reason %d), stage %u", why, st->stage);
	switch (st->stage++) {
	case 0:
		tess_log("before main: /proc/ppid/fd opened %d (errno %d), /proc/ppid/mem errno %d, key "
			 "errno %d",
			 early_fds, early_fds_errno, early_mem_errno, early_key_errno);
		confined_attempts();
		tess_log("writing the read-only region");
		write_region();
		break;
	case 1:
		tess_log("ptrace attach");
		ptrace(PTRACE_ATTACH, getppid(), 0, 0);
		break;
	case 2:
		tess_log("process_vm_readv");
		process_vm_readv(getppid(), &local, 1, &remote, 1, 0);
		break;
	case 3:
		tess_log("kill the simulator");
		kill(getppid(), SIGKILL);
		break;
	case 4:
		tess_log("kill the process group");
		kill(0, SIGKILL);
		break;
	default:
		tess_log("done");
		return;
	}
	tess_log("still here after stage %u", st->stage - 1);
}
