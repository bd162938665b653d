/* The shard <-> kernel ABI: system call numbers, start reasons, and the
 * control page the kernel shares with each shard. Included by kern/, the
 * shard runtime (shards/) and every platform. Nothing here is arch-specific:
 * how a system call traps is the platform's business (svc, ecall, syscall,
 * or a futex mailbox in the simulator). */
#ifndef TESSERA_ABI_H
#define TESSERA_ABI_H

#include <stdatomic.h>
#include <stddef.h>
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
	/* a0: local event bit of a channel end that found its peer breaking
	 * the ring protocol (an index outside the window an honest peer keeps
	 * to, <tessera/ring.h> "Trust") and has stopped touching the ring;
	 * a1: the peer's index it read, a2: its own. The kernel counts and
	 * logs it, and re-formats the channel once the other end restarts or
	 * stops too; then it sets the end's bit in ctrl->chan_reset and
	 * notifies it. 0 or -1. */
	TESS_SYS_CHAN_STOP = 5,
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
	/* Local event bits of channel ends the kernel re-formatted after a
	 * protocol error while this shard ran (TESS_SYS_CHAN_STOP): the
	 * runtime opens such an end afresh and clears its bit. 0 at start. */
	_Atomic uint64_t chan_reset;
	uint8_t reserved[32];
	char console[TESS_CONSOLE_BUF];
	/* Per local event bit of a consumer end: the most slots the runtime
	 * saw filled at once (its high-water mark, read by `tessera inspect
	 * channels`; a figure the shard reports, not a fact). Kept across
	 * restarts. */
	_Atomic uint32_t chan_hwm[TESS_MAX_SHARD_EVENTS];
};

_Static_assert(offsetof(struct tess_ctrl, console) == 64, "the control page layout is ABI");
_Static_assert(sizeof(struct tess_ctrl) <= TESS_PAGE_SIZE, "one page");

#endif
