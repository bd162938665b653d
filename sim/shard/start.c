/* The shard process's entry: the simulator's `_tess_start`. Maps the shared
 * objects of tess_self.maps at their planned VAs from the descriptors the
 * simulator granted (the process's own memory stands in for the private
 * image), and the stacks: each stack map's size at its VA, with the planned
 * guard page below it reserved and inaccessible, as on the targets. A
 * multi-core shard runs each lane but 0 on a thread of its own, started
 * here, pinned to its core's host CPU and waiting on its own mailbox
 * (docs/simulator.md "Lanes"). Then confines itself, every thread at once
 * (after every map and before the shard's code: switching to the stack
 * needs only rt_sigprocmask, which sim/confine.c allows), reports ready,
 * and each lane waits for its first turn and enters the portable runtime on
 * its stack with the start reason the kernel passed to arch_ctx_init.
 * Touches no shared object before that turn: a hot reload's new process
 * waits here while the old one runs. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <tessera/runtime.h>
#include <tessera/shard_info.h>
#include <sim/confine.h>
#include <sim/futex.h>
#include "shard_sim.h"

_Thread_local struct sim_mailbox *sim_mb;

/* Lane i: its stack map and the context that enters the runtime on it. */
static struct {
	struct tess_map stack;
	ucontext_t uc;
} lanes[TESS_MAX_LANES];
static unsigned nlanes;
static struct sim_mailbox *sim_mb_page; /* lane 0's mailbox, at the start of the page */
static _Atomic uint32_t lanes_set_up;	/* futex: lane threads pinned and waiting */

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

static int anon_at(uint64_t va, uint64_t size, int prot)
{
	void *want = (void *)(uintptr_t)va;

	if (mmap(want, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != want)
		return -1;
	return 0;
}

/* The lanes' stacks: private memory (nothing else maps them) of each stack
 * map's size at its VA, and the planner's guard page below each reserved
 * PROT_NONE, so that a stack overflow is a SIGSEGV there (fault.c; the
 * kernel side names it, sim/run.c) rather than a write into whatever the
 * host put below. Lane i's stack is the map that ends at its stack_top. */
static int map_stacks(void)
{
	nlanes = tess_self.nlanes >= 1 && tess_self.nlanes <= TESS_MAX_LANES ? tess_self.nlanes : 1;
	for (unsigned l = 0; l < nlanes; l++) {
		uint64_t top = tess_self.lanes ? tess_self.lanes[l].stack_top : 0;
		const struct tess_map *m = NULL;

		for (unsigned i = 0; i < tess_self.nmaps && !m; i++)
			if (tess_self.maps[i].kind == TESS_MAP_KIND_STACK &&
			    (!top || tess_self.maps[i].va + tess_self.maps[i].size == top))
				m = &tess_self.maps[i];
		if (!m) {
			fprintf(stderr, "sim| shard %s: no stack for lane %u in its tables\n", tess_self.name,
				l);
			return -1;
		}
		if (anon_at(m->va - TESS_PAGE_SIZE, TESS_PAGE_SIZE, PROT_NONE) != 0 ||
		    anon_at(m->va, m->size, PROT_READ | PROT_WRITE) != 0) {
			fprintf(stderr, "sim| shard %s: cannot map its stack at va 0x%llx: %s\n",
				tess_self.name, (unsigned long long)m->va, strerror(errno));
			return -1;
		}
		lanes[l].stack = *m;
	}
	return 0;
}

/* ASan's fiber annotations (sanitizer/common_interface_defs.h): weak, as
 * they exist only in sanitized builds. They tell ASan the shard's code
 * runs on another stack from now on. */
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size)
	__attribute__((weak));
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old, size_t *size_old)
	__attribute__((weak));

static void on_shard_stack(void)
{
	if (__sanitizer_finish_switch_fiber)
		__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
	tess_runtime_main((enum tess_start_reason)sim_mb->ret);
}

/* Never returns: lane `l` runs on its stack until the process is killed.
 * (setcontext, not swapcontext: there is no way back, and ASan's
 * swapcontext interceptor would warn in every shard process.) */
static void run_on(unsigned l)
{
	const struct tess_map *stack = &lanes[l].stack;
	ucontext_t *uc = &lanes[l].uc;

	/* A crash report copies the lane's planned stack from sp to its top
	 * (fault.c). */
	sim_stack_lo = (uintptr_t)stack->va;
	sim_stack_top = (uintptr_t)(stack->va + stack->size);

	getcontext(uc);
	uc->uc_stack.ss_sp = (void *)(uintptr_t)stack->va;
	uc->uc_stack.ss_size = stack->size;
	uc->uc_link = NULL;
	makecontext(uc, on_shard_stack, 0);
	/* Nothing of this stack's fake frames is kept (NULL). */
	if (__sanitizer_start_switch_fiber)
		__sanitizer_start_switch_fiber(NULL, (void *)(uintptr_t)stack->va, stack->size);
	setcontext(uc);
}

static void wait_turn(void)
{
	while (atomic_load_explicit(&sim_mb->turn, memory_order_acquire) != SIM_TURN_SHARD)
		sim_futex_wait(&sim_mb->turn, SIM_TURN_KERNEL, NULL);
}

/* Lane l > 0: on its own mailbox, alternate signal stack and host CPU
 * (the simulator put it in the mailbox); then, confined with the whole
 * process by main, it waits for its first turn. */
static void *lane_main(void *arg)
{
	unsigned l = (unsigned)(uintptr_t)arg;
	cpu_set_t cpus;

	sim_mb = sim_lane_mailbox(sim_mb_page, l);
	sim_fault_altstack();
	CPU_ZERO(&cpus);
	CPU_SET(sim_mb->cpu, &cpus);
	sched_setaffinity(0, sizeof cpus, &cpus);
	atomic_fetch_add(&lanes_set_up, 1);
	sim_futex_wake(&lanes_set_up);
	wait_turn();
	run_on(l);
	return NULL;
}

/* Lanes 1.. as threads, before the process is confined (no clone after). */
static int start_lanes(void)
{
	pthread_t th;

	for (unsigned l = 1; l < nlanes; l++)
		if (pthread_create(&th, NULL, lane_main, (void *)(uintptr_t)l) != 0) {
			fprintf(stderr, "sim| shard %s: cannot start lane %u\n", tess_self.name, l);
			return -1;
		}
	for (uint32_t n; (n = atomic_load(&lanes_set_up)) != nlanes - 1;)
		sim_futex_wait(&lanes_set_up, n, NULL);
	return 0;
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

	sim_mb_page = mmap(NULL, SIM_MBOX_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, SIM_FD_MBOX,
			   (off_t)(slot * SIM_MBOX_SIZE));
	if (sim_mb_page == MAP_FAILED) {
		fprintf(stderr, "sim| shard %s: no mailbox (run me from tessera-sim)\n", tess_self.name);
		return 2;
	}
	sim_mb = sim_mb_page;
	if (map_shared() != 0 || map_stacks() != 0)
		return 2;
	sim_fault_install();
	if (start_lanes() != 0 || confine() != 0)
		return 2;
	atomic_store(&sim_mb->ready, 1);
	sim_futex_wake(&sim_mb->ready);
	wait_turn();
	run_on(0);
	return 2;
}
