/* The interrupted pc of a signal on an x86-64 host: RIP in the saved
 * general registers of the ucontext (glibc <sys/ucontext.h>). */
#include <ucontext.h>
#include "shard_sim.h"

uint64_t sim_fault_pc(void *uc)
{
	return (uint64_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
}
