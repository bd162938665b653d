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

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct sim_mailbox *mb = sim_mb;

	/* Only the turn holder runs code, so the mailbox is ours to write. */
	mb->post = SIM_POST_FAULT;
	mb->signo = (uint32_t)sig;
	mb->addr = (uint64_t)(uintptr_t)si->si_addr;
	mb->pc = sim_fault_pc(uc);
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
