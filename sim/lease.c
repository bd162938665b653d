/* Yield leases (kern.h kern_lease_grant): a shard's turn costs two process
 * switches here (the mailbox hand-over to the core thread and back), a
 * YIELD(POLL) after which the kernel would only resume the same shard costs
 * none. Before a core thread waits for its shard, it offers the shard a
 * lease: the mailbox's `lease` word is set first, then the kernel decides
 * (so a revocation that races the decision lands after the set and wins);
 * the shard process then completes its YIELD(POLL)s itself
 * (sim/shard/syscall.c) and counts them. plat_ipi revokes it: the shard's
 * next yield traps as usual. When the wait ends (a trap, a tick) the lease
 * goes back to the kernel with the yields done under it. */
#include <stdatomic.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include "sim.h"

struct lease {
	_Atomic(struct sim_mailbox *) mb; /* the leased shard's mailbox, or NULL */
	uint64_t yields;		  /* its lease_yields already returned */
};

static struct lease leases[TESS_MAX_CORES];

void sim_lease_offer(unsigned core, struct sim_mailbox *mb)
{
	struct lease *l = &leases[core];

	l->yields = atomic_load_explicit(&mb->lease_yields, memory_order_relaxed);
	atomic_store(&l->mb, mb);
	atomic_store(&mb->lease, 1);
	if (!kern_lease_grant(core)) {
		atomic_store(&mb->lease, 0);
		atomic_store(&l->mb, NULL);
	}
}

void sim_lease_revoke(unsigned core)
{
	struct sim_mailbox *mb = atomic_load(&leases[core].mb);

	if (mb)
		atomic_store(&mb->lease, 0);
}

/* The shard may still finish one leased yield after this: it is counted
 * with the next return. */
void sim_lease_return(unsigned core)
{
	struct lease *l = &leases[core];
	struct sim_mailbox *mb = atomic_load(&l->mb);
	uint64_t n, last;

	if (!mb)
		return;
	atomic_store(&mb->lease, 0);
	atomic_store(&l->mb, NULL);
	n = atomic_load_explicit(&mb->lease_yields, memory_order_acquire);
	last = atomic_load_explicit(&mb->lease_last_ns, memory_order_relaxed);
	kern_lease_return(core, n - l->yields, sim_since_start(last));
	l->yields = n;
}
