/* The shard <-> kernel ABI: system call numbers, start reasons, and the
 * control page the kernel shares with each shard. Included by kern/, the
 * shard runtime (shards/) and every platform. Nothing here is arch-specific:
 * how a system call traps is the platform's business (svc, ecall, syscall,
 * or a futex mailbox in the simulator). */
#ifndef TESSERA_ABI_H
#define TESSERA_ABI_H

#include <stdint.h>
#include <tessera/limits.h>

/* System calls. Number in the arch's syscall register, up to four
 * arguments, one 64-bit result. */
enum tess_sys {
	/* End the current entry. a0: TESS_YIELD_WAIT (sleep until a
	 * notification) or TESS_YIELD_POLL (runnable again after the other
	 * shards of this core had their turn). Returns the set of pending
	 * notification bits, cleared atomically (0 for a poll turn). */
	TESS_SYS_YIELD = 0,
	/* a0: local event bit of a channel end; wakes the peer. 0 or -1. */
	TESS_SYS_NOTIFY = 1,
	/* a0: byte count of text the shard placed in ctrl->console.
	 * The kernel prefixes "shard:<name>| " per line. */
	TESS_SYS_CONSOLE = 2,
	/* Returns nanoseconds since boot. */
	TESS_SYS_TIME = 3,
	/* a0: local event bit of a granted IRQ; unmask it again. */
	TESS_SYS_IRQ_ACK = 4,
	TESS_SYS_COUNT
};

enum tess_yield_mode { TESS_YIELD_WAIT = 0, TESS_YIELD_POLL = 1 };

/* Why init() runs; passed in the first argument register at entry. */
enum tess_start_reason {
	TESS_START_FIRST = 0,
	TESS_START_RESTART = 1, /* after a fault or hang, policy "restart" */
	TESS_START_RELOAD = 2,	/* a new image was hot-loaded */
};

/* A 64-bit set of local event bits (channel ends first, then IRQs). */
typedef uint64_t tess_set_t;

#define TESS_CTRL_MAGIC 0x54435452u /* "TCTR" */

/* One page shared read-write between the kernel and one shard, at the
 * shard's ctrl_va. The kernel fills the read-only-by-convention fields
 * before each start. */
struct tess_ctrl {
	uint32_t magic;
	uint16_t shard_id;
	uint16_t core;
	uint32_t start_reason;
	uint32_t restarts;
	uint64_t version; /* image version id; bumped by hot reload */
	uint8_t reserved[40];
	char console[TESS_CONSOLE_BUF];
};

#endif
