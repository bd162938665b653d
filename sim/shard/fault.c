/* Synchronous faults of a shard process become TRAP_FAULT: the handler
 * (on an alternate stack, so a blown stack still reports) posts the signal
 * to the kernel and then waits to be killed; the kernel's fault policy
 * decides what happens next. The simulator starts shard processes with
 * ASAN_OPTIONS=handle_segv=0:... so these handlers, not ASan's, run. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sim/futex.h>
#include "shard_sim.h"

/* One per lane: a signal is handled on the thread that faulted. */
static uint8_t alt_stack[TESS_MAX_LANES][64 * 1024];
static _Atomic unsigned alt_used;

_Thread_local uintptr_t sim_stack_lo, sim_stack_top;

/* Stack bytes as they are: ASan's redzones in them (a sanitized shard)
 * are data here, not overflows, so neither the loop nor memcpy's
 * interceptor may check them. */
__attribute__((no_sanitize("address"))) static void copy_stack(uint8_t *dst, const volatile uint8_t *src,
							       size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* Registers, the load bias (this position-independent executable's code
 * addresses minus the bias are its ELF's) and the planned stack from sp up
 * to its top, at most SIM_CRASH_STACK bytes: all of it mapped, so copying
 * cannot fault again. The kernel walks the frame pointers in its
 * own copy of this (kern/crash.c). */
static void report(void *uc, struct sim_crash *c)
{
	extern char __executable_start[];
	uint64_t n;

	sim_fault_regs(uc, c);
	c->base = (uint64_t)(uintptr_t)__executable_start;
	/* From sp, or from the stack's bottom when sp is below it (an
	 * overflow into the guard page: nothing there to copy). */
	c->stack_va = c->sp > sim_stack_lo ? c->sp : sim_stack_lo;
	c->stack_len = 0;
	if (c->stack_va < sim_stack_top) {
		n = sim_stack_top - c->stack_va;
		c->stack_len = (uint32_t)(n < SIM_CRASH_STACK ? n : SIM_CRASH_STACK);
		copy_stack(c->stack, (const volatile uint8_t *)(uintptr_t)c->stack_va, c->stack_len);
	}
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct sim_mailbox *mb = sim_mb;

	/* Only the turn holder runs code, so the mailbox is ours to write. */
	mb->post = SIM_POST_FAULT;
	mb->signo = (uint32_t)sig;
	mb->addr = (uint64_t)(uintptr_t)si->si_addr;
	mb->pc = sim_fault_pc(uc);
	report(uc, &mb->crash);
	atomic_store_explicit(&mb->turn, SIM_TURN_KERNEL, memory_order_release);
	sim_futex_wake(&mb->turn);
	for (;;)
		pause();
}

void sim_fault_altstack(void)
{
	unsigned i = atomic_fetch_add(&alt_used, 1);
	stack_t ss = {.ss_sp = alt_stack[i % TESS_MAX_LANES], .ss_size = sizeof alt_stack[0]};

	sigaltstack(&ss, NULL);
}

void sim_fault_install(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
	struct sigaction sa;

	sim_fault_altstack();
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}
