/* tess_syscall for the simulator: post the call in the mailbox, hand the
 * turn to the kernel, sleep until it hands the turn back with the result. */
#include <tessera/shard.h>
#include <sim/futex.h>
#include "shard_sim.h"

uint64_t sim_hand_turn(struct sim_mailbox *mb)
{
	atomic_store_explicit(&mb->turn, SIM_TURN_KERNEL, memory_order_release);
	sim_futex_wake(&mb->turn);
	while (atomic_load_explicit(&mb->turn, memory_order_acquire) != SIM_TURN_SHARD)
		sim_futex_wait(&mb->turn, SIM_TURN_KERNEL, NULL);
	return mb->ret;
}

uint64_t tess_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct sim_mailbox *mb = sim_mb;

	mb->post = SIM_POST_SYSCALL;
	mb->nr = nr;
	mb->arg[0] = a0;
	mb->arg[1] = a1;
	mb->arg[2] = a2;
	mb->arg[3] = a3;
	return sim_hand_turn(mb);
}
