/* The shard process's entry: the simulator's `_tess_start`. Maps the shared
 * objects of tess_self.maps at their planned VAs from the descriptors the
 * simulator granted (the process's own memory stands in for the private
 * image), and the stack: the stack map's size at its VA, with the planned
 * guard page below it reserved and inaccessible, as on the targets. Then
 * confines itself (after every map and before the shard's code: switching
 * to the stack needs only rt_sigprocmask, which sim/confine.c allows),
 * reports ready, waits for the first turn and enters the portable runtime
 * on that stack with the start reason the kernel passed to arch_ctx_init.
 * Touches no shared object before that turn: a hot reload's new process
 * waits here while the old one runs. */
#include <errno.h>
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

static int anon_at(uint64_t va, uint64_t size, int prot)
{
	void *want = (void *)(uintptr_t)va;

	if (mmap(want, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != want)
		return -1;
	return 0;
}

/* The shard's stack: private memory (nothing else maps it) of the stack
 * map's size at its VA, and the planner's guard page below it reserved
 * PROT_NONE, so that a stack overflow is a SIGSEGV there (fault.c; the
 * kernel side names it, sim/run.c) rather than a write into whatever the
 * host put below. */
static int map_stack(struct tess_map *stack)
{
	for (unsigned i = 0; i < tess_self.nmaps; i++) {
		const struct tess_map *m = &tess_self.maps[i];

		if (m->kind != TESS_MAP_KIND_STACK)
			continue;
		if (anon_at(m->va - TESS_PAGE_SIZE, TESS_PAGE_SIZE, PROT_NONE) != 0 ||
		    anon_at(m->va, m->size, PROT_READ | PROT_WRITE) != 0) {
			fprintf(stderr, "sim| shard %s: cannot map its stack at va 0x%llx: %s\n",
				tess_self.name, (unsigned long long)m->va, strerror(errno));
			return -1;
		}
		*stack = *m;
		return 0;
	}
	fprintf(stderr, "sim| shard %s: no stack in its tables\n", tess_self.name);
	return -1;
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

/* Never returns: the shard runs on `stack` until it is killed. (setcontext,
 * not swapcontext: there is no way back, and ASan's swapcontext interceptor
 * would warn in every shard process.) */
static void run_on(const struct tess_map *stack)
{
	static ucontext_t shard;

	getcontext(&shard);
	shard.uc_stack.ss_sp = (void *)(uintptr_t)stack->va;
	shard.uc_stack.ss_size = stack->size;
	shard.uc_link = NULL;
	makecontext(&shard, on_shard_stack, 0);
	/* Nothing of this stack's fake frames is kept (NULL). */
	if (__sanitizer_start_switch_fiber)
		__sanitizer_start_switch_fiber(NULL, (void *)(uintptr_t)stack->va, stack->size);
	setcontext(&shard);
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
	struct tess_map stack;
	/* The simulator names our mailbox slot (a hot reload's new process
	 * waits on another page than the running one's). */
	unsigned long slot = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;

	sim_mb = mmap(NULL, SIM_MBOX_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, SIM_FD_MBOX,
		      (off_t)(slot * SIM_MBOX_SIZE));
	if (sim_mb == MAP_FAILED) {
		fprintf(stderr, "sim| shard %s: no mailbox (run me from tessera-sim)\n", tess_self.name);
		return 2;
	}
	if (map_shared() != 0 || map_stack(&stack) != 0)
		return 2;
	sim_fault_install();
	if (confine() != 0)
		return 2;
	atomic_store(&sim_mb->ready, 1);
	sim_futex_wake(&sim_mb->ready);
	while (atomic_load_explicit(&sim_mb->turn, memory_order_acquire) != SIM_TURN_SHARD)
		sim_futex_wait(&sim_mb->turn, SIM_TURN_KERNEL, NULL);
	run_on(&stack);
	return 2;
}
