/* The interrupted pc of a signal on an AArch64 host: mcontext_t.pc. */
#include <ucontext.h>
#include "shard_sim.h"

uint64_t sim_fault_pc(void *uc)
{
	return (uint64_t)((ucontext_t *)uc)->uc_mcontext.pc;
}
