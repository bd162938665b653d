/* tess_syscall for the simulator: post the call in the mailbox, hand the
 * turn to the kernel, sleep until it hands the turn back with the result. */
#include <sched.h>
#include <stdbool.h>
#include <time.h>
#include <tessera/runtime.h>
#include <tessera/shard.h>
#include <sim/futex.h>
#include "shard_sim.h"

/* Here a sleep and its wake-up are futex round trips between processes,
 * across host CPUs when the notifier runs on the other one: some 25 us of
 * CPU and 50-100 us of latency on a VM (bench/README.md "Simulator"), where
 * a poll turn under a lease costs about a microsecond. So a notified shard
 * with nothing to do polls this many turns before it sleeps
 * (<tessera/runtime.h>). */
unsigned tess_idle_polls(void)
{
	return 64;
}

/* A YIELD(POLL) under the kernel's yield lease (sim/lease.c): the kernel
 * would resume us at once, so the process stays running. The host CPU is
 * offered first (sched_yield) to whatever else runs on it, as a core
 * offers itself to its other shards at a yield; the lease may have been
 * revoked meanwhile. */
static bool leased_yield(struct sim_mailbox *mb)
{
	struct timespec ts;

	if (!atomic_load_explicit(&mb->lease, memory_order_relaxed))
		return false;
	sched_yield();
	if (!atomic_load_explicit(&mb->lease, memory_order_acquire))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	atomic_store_explicit(&mb->lease_last_ns, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec,
			      memory_order_relaxed);
	atomic_fetch_add_explicit(&mb->lease_yields, 1, memory_order_release);
	return true;
}

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

	if (nr == TESS_SYS_YIELD && a0 == TESS_YIELD_POLL && leased_yield(mb))
		return 0;
	mb->post = SIM_POST_SYSCALL;
	mb->nr = nr;
	mb->arg[0] = a0;
	mb->arg[1] = a1;
	mb->arg[2] = a2;
	mb->arg[3] = a3;
	return sim_hand_turn(mb);
}
