/* Read-only view of the kernel's per-shard counters and trace ring, for the
 * simulator's end-of-run table and for tests. Snapshots are copied out
 * field by field (each field is read atomically, the set is not). */
#ifndef KERN_STATS_H
#define KERN_STATS_H

#include <stdint.h>
#include <tessera/tables.h>

/* The shard state machine (docs/design.md). */
enum kern_state {
	KS_INIT = 0,	   /* loaded, never dispatched */
	KS_RUNNING = 1,	   /* dispatched, or ready again after a POLL yield */
	KS_WAITING = 2,	   /* yielded WAIT, runnable once a bit is pending */
	KS_FAULTED = 3,	   /* faulted or hung, policy being applied */
	KS_RESTARTING = 4, /* reloaded, runs from the entry on its next turn */
	KS_HALTED = 5,	   /* stopped for good */
};

const char *kern_state_name(unsigned state);

struct kern_shard_stats {
	uint64_t dispatches;   /* turns given by the scheduler */
	uint64_t resumes;      /* arch_shard_run calls (a turn may have several) */
	uint64_t syscalls;     /* all system calls, bad ones included */
	uint64_t bad_syscalls; /* unknown number or bad argument (returned -1) */
	uint64_t yields;
	uint64_t notify_sent;
	uint64_t notify_recv; /* notifications and IRQs ORed into its set */
	uint64_t irqs;
	uint64_t faults;
	uint64_t hangs;
	uint64_t restarts;
	uint64_t run_ns;     /* time in its turns */
	uint64_t version;    /* the running image's version id */
	uint32_t state;	     /* enum kern_state */
	char last_fault[64]; /* "" or e.g. "SIGSEGV at 0x10 pc 0x4000", "watchdog: no yield for 12 ms" */
	/* The same, raw: reason 0 none, 1 fault (kind: enum fault_kind, code,
	 * addr, pc), 2 hang (hang_ns without a yield); at: when. */
	uint32_t last_reason, last_kind;
	uint64_t last_code, last_addr, last_pc, last_hang_ns, last_at;
};

/* 0, or -1 if there is no shard `id`. */
int kern_stats_get(unsigned id, struct kern_shard_stats *out);

/* How much of the shard's stack was ever used since its last start, from
 * the paint kern/stack.c put there (bytes; -1: the platform has no view). */
int64_t kern_stack_used(const struct tess_shard_cfg *cfg);

/* A channel's protocol errors (kern/chan.c): TESS_SYS_CHAN_STOP calls by
 * each end, and re-formats after boot. */
struct kern_chan_stats {
	uint64_t stops_producer, stops_consumer;
	uint64_t formats;
	uint64_t notifies_producer, notifies_consumer; /* TESS_SYS_NOTIFY by each end */
};

/* 0, or -1 if there is no channel `ch`. */
int kern_chan_stats_get(unsigned ch, struct kern_chan_stats *out);

/* A core's time and events (kern/sched.c, notify.c). */
struct kern_core_stats {
	uint64_t busy_ns, idle_ns; /* in shards' turns; waiting in plat_idle */
	uint64_t ticks, ipis;	   /* timer ticks (kern_tick); wake-ups sent to it */
	int32_t current;	   /* the shard whose turn it is, -1: none */
};

/* 0, or -1 if there is no core `core`. */
int kern_core_stats_get(unsigned core, struct kern_core_stats *out);

enum kern_trace_event {
	KT_BOOT = 0,	  /* arg: shard's core */
	KT_DISPATCH = 1,  /* arg: pending set handed over */
	KT_YIELD = 2,	  /* arg: yield mode */
	KT_NOTIFY = 3,	  /* arg: peer id << 8 | peer bit */
	KT_IRQ = 4,	  /* arg: irq number */
	KT_FAULT = 5,	  /* arg: fault address */
	KT_HANG = 6,	  /* arg: ns since dispatch */
	KT_RESTART = 7,	  /* arg: restarts in the current window */
	KT_HALT = 8,	  /* arg: 0 */
	KT_PANIC = 9,	  /* arg: 0 */
	KT_BADSYS = 10,	  /* arg: system call number */
	KT_RELOAD = 11,	  /* arg: the new version id (installed) */
	KT_ROLLBACK = 12, /* arg: the version id restored */
};

const char *kern_trace_event_name(unsigned ev);

struct kern_trace_entry {
	uint64_t seq; /* 0-based position in its core's stream of events */
	uint64_t time;
	uint64_t arg;
	uint16_t core, shard, event;
};

/* Events core `core` recorded since boot (its ring keeps the last
 * TESS_TRACE_ENTRIES). */
uint64_t kern_trace_total(unsigned core);
/* Core `core`'s event with sequence number `seq`: 0, or -1 if it was
 * overwritten, not written yet, or being written right now. */
int kern_trace_get(unsigned core, uint64_t seq, struct kern_trace_entry *out);
/* Print the rings merged by time, oldest first, as "kern| trace ..." lines. */
void kern_trace_dump(void);

#endif
