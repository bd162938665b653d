/* The interrupted pc and registers of a signal on an x86-64 host: the
 * saved general registers of the ucontext (glibc <sys/ucontext.h>), in
 * the order of the arch table's x86_64 crash_regs; the frame record is
 * System V AMD64 ABI 3.2.2's (caller's rbp at rbp, return address above). */
#include <ucontext.h>
#include "shard_sim.h"

uint64_t sim_fault_pc(void *uc)
{
	return (uint64_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
}

void sim_fault_regs(void *uc, struct sim_crash *c)
{
	static const int order[] = {REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI,
				    REG_RBP, REG_RSP, REG_R8,  REG_R9,	REG_R10, REG_R11,
				    REG_R12, REG_R13, REG_R14, REG_R15, REG_RIP, REG_EFL};
	const greg_t *g = ((ucontext_t *)uc)->uc_mcontext.gregs;

	for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++)
		c->regs[i] = (uint64_t)g[order[i]];
	c->nregs = sizeof order / sizeof order[0];
	c->sp = (uint64_t)g[REG_RSP];
	c->fp = (uint64_t)g[REG_RBP];
	c->prev_off = 0;
	c->ra_off = 8;
}
