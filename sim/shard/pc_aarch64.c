/* The interrupted pc and registers of a signal on an AArch64 host:
 * mcontext_t's x0-x30, sp, pc, pstate (the arch table's aarch64
 * crash_regs); the frame record is AAPCS64 6.4.6's (x29 -> caller's x29,
 * return address). */
#include <ucontext.h>
#include "shard_sim.h"

uint64_t sim_fault_pc(void *uc)
{
	return (uint64_t)((ucontext_t *)uc)->uc_mcontext.pc;
}

void sim_fault_regs(void *uc, struct sim_crash *c)
{
	const mcontext_t *m = &((ucontext_t *)uc)->uc_mcontext;

	for (unsigned i = 0; i < 31; i++)
		c->regs[i] = m->regs[i];
	c->regs[31] = m->sp;
	c->regs[32] = m->pc;
	c->regs[33] = m->pstate;
	c->nregs = 34;
	c->sp = m->sp;
	c->fp = m->regs[29];
	c->prev_off = 0;
	c->ra_off = 8;
}
