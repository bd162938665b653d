/* The simulator's saved user context. A simulated shard's registers live in
 * its own Linux process, so the kernel side only remembers what the next
 * arch_shard_run() has to hand over: a start reason or a system call result. */
#ifndef ARCH_CTX_H
#define ARCH_CTX_H

#include <stdint.h>
#include <sim/mailbox.h>

struct arch_ctx {
	uint64_t arg0;	  /* start reason, delivered with the first turn */
	uint64_t ret;	  /* result of the pending system call */
	uint32_t fresh;	  /* arch_ctx_init ran: the next turn is a (re)start */
	uint32_t in_call; /* the shard waits for the result of a system call */
	/* The last fault's report, copied out of the mailbox (run.c) before
	 * the kernel reads it: the shard process can no longer change it. */
	uint32_t crash_valid;
	struct sim_crash crash;
};

#endif
