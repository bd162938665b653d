/* The simulator's "trap" mechanism: one page per shard, shared between the
 * tessera-sim process (the kernel) and the shard's process, in a sim-private
 * memfd. `turn` says who runs; both sides wait on it as a futex, so exactly
 * one of them executes at any time (this is what makes shards that share a
 * simulated core take turns). Included by sim/ (kernel side) and sim/shard/. */
#ifndef SIM_MAILBOX_H
#define SIM_MAILBOX_H

#include <stdatomic.h>
#include <stdint.h>
#include <tessera/limits.h>

/* File descriptors a shard process inherits across exec, its grants and
 * nothing else (sim/ram.c): its mailbox memfd, whose slot argv[1] (0 by
 * default) holds its mailboxes, and for the i-th entry of tess_self.maps, if a
 * shared object (control page, channel, region, persistent memory), that
 * object's memfd (offset 0 = the map's pa), read-only unless the map is
 * writable. Plus 0 (/dev/null), 1 and 2 (the simulator's stderr). */
#define SIM_FD_MBOX 3
#define SIM_FD_MAP0 4
/* A mailbox is a page; a slot holds one per lane of a multi-core shard,
 * lane i's at i * SIM_MBOX_LANE: each lane is a thread of the shard's
 * process with a turn of its own (docs/simulator.md "Lanes"). */
#define SIM_MBOX_LANE 4096u
#define SIM_MBOX_SIZE (SIM_MBOX_LANE * TESS_MAX_LANES)
/* Mailbox slots per shard: the running process's and a hot reload's
 * prepared one (sim/reload.c). */
#define SIM_MBOX_SLOTS 2u

/* A fault's registers and the stack from sp the handler copies: the
 * kernel walks the frame pointers in that copy only (kern/crash.c). */
#define SIM_CRASH_REGS	34
#define SIM_CRASH_STACK 2048u

enum sim_turn { SIM_TURN_KERNEL = 0, SIM_TURN_SHARD = 1 };
/* SIM_POST_MMIO: a device register access (sim/shard/mmio.c); the core
 * thread serves it against the shard's granted MMIO windows (sim/mmio.c)
 * and hands the turn back with the value read, without involving kern/,
 * as a bus access on a target does not. */
enum sim_post { SIM_POST_SYSCALL = 0, SIM_POST_FAULT = 1, SIM_POST_MMIO = 2 };

struct sim_mailbox {
	_Atomic uint32_t turn;	/* futex: enum sim_turn */
	_Atomic uint32_t ready; /* futex: 1 once the shard mapped its memory */
	/* Yield lease (sim/lease.c): while `lease` is 1 the shard completes its
	 * YIELD(POLL)s itself, counting them and stamping the last one
	 * (CLOCK_MONOTONIC ns); the kernel side clears it to revoke. */
	_Atomic uint32_t lease;
	_Atomic uint64_t lease_yields, lease_last_ns;
	uint32_t post;	     /* enum sim_post: why the shard gave the turn back */
	uint32_t signo;	     /* SIM_POST_FAULT: host signal number */
	uint64_t nr, arg[4]; /* SIM_POST_SYSCALL */
	uint64_t addr, pc;   /* SIM_POST_FAULT: si_addr and the interrupted pc; MMIO: va, caller */
	uint64_t ret;	     /* kernel -> shard: call result, or start reason */
	uint64_t mmio_val;   /* SIM_POST_MMIO: value to write */
	uint32_t mmio_size;  /* SIM_POST_MMIO: 1, 2, 4 or 8 bytes */
	uint32_t mmio_write; /* SIM_POST_MMIO: 1 write, 0 read (result in ret) */
	uint32_t cpu;	     /* kernel -> shard before the spawn: host CPU of the lane's core */
	struct sim_crash {   /* SIM_POST_FAULT: what the handler saw (sim/shard/fault.c) */
		uint32_t nregs, stack_len;
		int32_t prev_off, ra_off; /* the host's frame record (kern/include/kern/arch.h) */
		uint64_t sp, fp, base, stack_va;
		uint64_t regs[SIM_CRASH_REGS];
		uint8_t stack[SIM_CRASH_STACK]; /* stack_len bytes from stack_va = sp */
	} crash;
};

_Static_assert(sizeof(struct sim_mailbox) <= SIM_MBOX_LANE, "a lane's mailbox is one page");
_Static_assert(SIM_MBOX_LANE *TESS_MAX_LANES <= SIM_MBOX_SIZE, "the slot holds every lane's mailbox");

/* Lane `lane`'s mailbox in the slot of lane 0's `mb`. */
static inline struct sim_mailbox *sim_lane_mailbox(struct sim_mailbox *mb, unsigned lane)
{
	return (struct sim_mailbox *)((char *)mb + (uintptr_t)lane * SIM_MBOX_LANE);
}

#endif
