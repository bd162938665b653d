/* The shard process's entry: the simulator's `_tess_start`. Maps the shared
 * objects of tess_self.maps at their planned VAs from the descriptors the
 * simulator granted (the process's own memory stands in for the private
 * image and stack), confines itself, reports ready, waits for the first
 * turn and enters the portable runtime with the start reason the kernel
 * passed to arch_ctx_init. Touches no shared object before that turn: a
 * hot reload's new process waits here while the old one runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <tessera/runtime.h>
#include <tessera/shard_info.h>
#include <sim/confine.h>
#include <sim/futex.h>
#include "shard_sim.h"

struct sim_mailbox *sim_mb;

/* The i-th map, from the descriptor the simulator granted for it. */
static int map_one(unsigned i, const struct tess_map *m)
{
	int prot = (m->attr & TESS_MAP_R ? PROT_READ : 0) | (m->attr & TESS_MAP_W ? PROT_WRITE : 0);
	void *want = (void *)(uintptr_t)m->va;
	void *got = mmap(want, m->size, prot, MAP_SHARED | MAP_FIXED_NOREPLACE, SIM_FD_MAP0 + (int)i, 0);

	if (got == want)
		return 0;
	fprintf(stderr, "sim| shard %s: cannot map pa 0x%llx at va 0x%llx (%llu bytes): %s\n", tess_self.name,
		(unsigned long long)m->pa, (unsigned long long)m->va, (unsigned long long)m->size,
		got == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	if (got == MAP_FAILED && errno == EEXIST)
		fprintf(stderr,
			"sim| the host process already uses that range (ASan's allocator owns "
			"0x600000000000-0x640000000000 on x86-64): the host board's user_va_base must "
			"lie elsewhere\n");
	return -1;
}

static int map_shared(void)
{
	for (unsigned i = 0; i < tess_self.nmaps; i++) {
		const struct tess_map *m = &tess_self.maps[i];

		if (m->kind == TESS_MAP_KIND_IMAGE || m->kind == TESS_MAP_KIND_STACK ||
		    m->kind == TESS_MAP_KIND_MMIO)
			continue;
		if (map_one(i, m) != 0)
			return -1;
	}
	return 0;
}

/* Mapped: from now on the process needs no descriptor, no file and no
 * other process. Closing the grants' descriptors leaves the mappings;
 * non-dumpable keeps its memory out of other processes' /proc/<pid>/mem;
 * the filter (sim/confine.c) keeps it to what a running shard does. */
static int confine(void)
{
	if (syscall(SYS_close_range, 3u, ~0u, 0u) != 0 || prctl(PR_SET_DUMPABLE, 0) != 0 ||
	    sim_confine_shard(getpid()) != 0) {
		fprintf(stderr, "sim| shard %s: cannot confine the process: %s\n", tess_self.name,
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* The simulator names our mailbox slot (a hot reload's new process
	 * waits on another page than the running one's). */
	unsigned long slot = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;

	sim_mb = mmap(NULL, SIM_MBOX_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, SIM_FD_MBOX,
		      (off_t)(slot * SIM_MBOX_SIZE));
	if (sim_mb == MAP_FAILED) {
		fprintf(stderr, "sim| shard %s: no mailbox (run me from tessera-sim)\n", tess_self.name);
		return 2;
	}
	if (map_shared() != 0)
		return 2;
	sim_fault_install();
	if (confine() != 0)
		return 2;
	/* A crash report copies the stack up to our frame record (fault.c),
	 * not into it: the walk ends at our caller, libc's start code. */
	sim_stack_top = (uintptr_t)__builtin_frame_address(0);
	atomic_store(&sim_mb->ready, 1);
	sim_futex_wake(&sim_mb->ready);
	while (atomic_load_explicit(&sim_mb->turn, memory_order_acquire) != SIM_TURN_SHARD)
		sim_futex_wait(&sim_mb->turn, SIM_TURN_KERNEL, NULL);
	tess_runtime_main((enum tess_start_reason)sim_mb->ret);
}
