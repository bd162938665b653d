/* Kernel-internal state and the functions the kern/ files share. Not for
 * platforms (they use kern.h) nor shards. */
#ifndef KERN_PRIV_H
#define KERN_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/stats.h>
#include <tessera/abi.h>

/* Counters written by one core are bumped with a relaxed load+store (no
 * locked instruction); those other cores bump use atomic_fetch_add. */
struct kern_counters {
	_Atomic uint64_t dispatches, resumes, syscalls, bad_syscalls, yields;
	_Atomic uint64_t notify_sent, notify_recv, irqs, faults, hangs, restarts;
	_Atomic uint64_t run_ns; /* its turns, less the kernel's interrupt work in them */
};

/* Why the shard last stopped; formatted into text only when read. */
enum kern_reason { KR_NONE = 0, KR_FAULT = 1, KR_HANG = 2 };
struct kern_last_fault {
	_Atomic uint32_t reason, kind;
	_Atomic uint64_t code, addr, pc, ns;
	_Atomic uint64_t at; /* plat_time_ns() of the fault or hang */
};

/* One lane of a shard (docs/design.md "Lanes"). kern_shards[id] is lane 0
 * and holds what is shard-wide: the restart window and totals, version,
 * rollback floor, reload timing, last fault, the stop of every lane; a
 * multi-core shard's other lanes are kern_lanes[id][lane - 1] and use only
 * their own context, pending set, state and counters. */
struct kern_shard {
	const struct tess_shard_cfg *cfg;
	struct kern_shard *lead; /* lane 0 (itself for lane 0) */
	uint32_t lane;
	struct tess_ctrl *ctrl; /* this lane's control page */
	struct arch_ctx ctx;
	/* Shared with other cores: notification bits and the sleep flag. */
	_Atomic tess_set_t pending;
	_Atomic bool waiting;
	_Atomic bool leased; /* holds a yield lease (sched.c kern_lease_grant) */
	/* Owner core only (atomic so stats readers on other cores are safe). */
	_Atomic uint32_t state;
	bool poll;	 /* its last YIELD was POLL */
	bool in_syscall; /* resumes from a system call (return value due) */
	uint64_t dispatched_at;
	uint64_t window_start; /* restart-limit window, see policy.c */
	uint32_t window_count;
	uint32_t restarts_total;
	uint64_t version; /* of the image running (or last run) */
	/* Anti-rollback (rollback.c): a hot reload must be newer than this,
	 * the highest of the boot image's version and every version the shard
	 * accepted (kept across reboots where the platform has a store). */
	uint64_t floor;
	/* Hot reload downtime (reload/swap.c): when the old version was stopped (0:
	 * not measuring) and the new version's yields since. */
	uint64_t reload_stopped_at;
	uint32_t reload_yields;
	struct kern_counters n;
	struct kern_last_fault last;
	/* Lane 0 only (lane.c). `stopping`: the lanes still to stop for a
	 * shard-wide policy and what the last of them applies; `entered`: lane
	 * 0 has yielded since the (re)start, so shard_init is done and the
	 * other lanes may run. */
	_Atomic uint32_t stopping;
	_Atomic bool entered;
};

/* A channel's protocol-error state (chan.c); any core. */
struct kern_chan {
	_Atomic uint32_t stopped;     /* 1 << role: that end stopped using the ring */
	_Atomic uint64_t stops[2];    /* TESS_SYS_CHAN_STOP calls, by role */
	_Atomic uint64_t formats;     /* re-formats after boot */
	_Atomic uint64_t notifies[2]; /* TESS_SYS_NOTIFY through it, by the role of the caller */
};

struct kern_core {
	unsigned next;		    /* round-robin position in tess_system.cores[c].order */
	struct kern_shard *running; /* whose turn it is (NULL between turns); owner core only */
	/* The lane of each shard in tess_system.cores[c].order that runs on
	 * this core (boot.c). */
	struct kern_shard *lanes[TESS_MAX_SHARDS];
	/* For inspection (stats.c), written by the owner core: */
	_Atomic uint32_t current;	   /* running shard's id + 1, 0 between turns */
	_Atomic uint64_t busy_ns, idle_ns; /* in turns; in plat_idle (finished periods) */
	/* The idle period under way began at idle_since (0: none). The owner
	 * writes idle_ns and idle_since inside an odd idle_seq, so a reader on
	 * another core (kern_core_stats_get) retries rather than count a
	 * period twice or not at all. */
	_Atomic uint64_t idle_seq, idle_since;
	_Atomic uint64_t ticks; /* kern_tick */
	_Atomic uint64_t ipis;	/* wake-ups other cores sent it (any core) */
};

extern const struct tess_system_cfg *kern_sys;
extern struct kern_shard kern_shards[TESS_MAX_SHARDS];
extern struct kern_shard kern_lanes[TESS_MAX_SHARDS][TESS_MAX_LANES - 1];
extern struct kern_core kern_cores[TESS_MAX_CORES];
extern struct kern_chan kern_chans[TESS_MAX_CHANNELS];

static inline void cnt_inc(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1, memory_order_relaxed);
}

static inline void cnt_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n, memory_order_relaxed);
}

static inline void cnt_inc_shared(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* lane.c: the lane of `cfg` that runs on `core`, or -1. */
int kern_lane_on(const struct tess_shard_cfg *cfg, unsigned core);
/* lane.c: lane `lane` of the shard whose lane 0 is `lead`, NULL if it has
 * no such lane; the core a lane runs on; every lane's record at boot. */
struct kern_shard *kern_lane(struct kern_shard *lead, unsigned lane);
unsigned kern_lane_core(const struct kern_shard *s);
void kern_lanes_boot(struct kern_shard *lead);
/* What the last lane of a stopped multi-core shard does: a tess_policy
 * (a fault or hang), or one of these (kern/reload/swap.c). */
enum { KERN_STOP_RELOAD = 16, KERN_STOP_ROLLBACK = 17 };
/* lane.c: a fault or hang on lane `s` applies `policy` to its whole
 * shard: this lane stops now, each other lane at its core's next trap or
 * scheduling step (kern_lane_stop_due), and the last lane to stop applies
 * the policy to the shard (kern_shard_policy, or for the KERN_STOP_*
 * of a hot reload reload_swap_install / reload_swap_roll_back). */
void kern_lanes_stop(unsigned core, struct kern_shard *s, unsigned policy);
/* lane.c: stop every lane of the shard of lane 0 `lead` between entries
 * (at its core's next scheduling step, never mid-entry) for `what`, a
 * KERN_STOP_*; false if the shard is stopping for something else now. */
bool kern_lanes_gather(unsigned core, struct kern_shard *lead, unsigned what);
/* lane.c: true if lane `s` must stop for its shard's policy (and has now,
 * on `core`; the caller ends its turn). `mid_turn`: called between two
 * traps of an entry, where a hot reload's gathering never stops a lane. */
bool kern_lane_stop_due(unsigned core, struct kern_shard *s, bool mid_turn);
/* lane.c: lane 0 yielded: its shard_init is done, the other lanes enter. */
void kern_lanes_entered(unsigned core, struct kern_shard *s);

/* check.c: table sanity; prints every problem, returns their count. */
int kern_check_tables(const struct tess_system_cfg *sys);

/* shard.c: state machine and (re)starts. */
void kern_set_state(struct kern_shard *s, enum kern_state st);
enum kern_state kern_get_state(const struct kern_shard *s);
bool kern_runnable(struct kern_shard *s);
int kern_shard_start(struct kern_shard *s, uint32_t reason);
/* kern_shard_start with a new image (plat_shard_install) instead of the
 * committed one; payload NULL: plat_shard_load. */
int kern_shard_start_image(struct kern_shard *s, uint32_t reason, const void *payload, size_t len);
void kern_shard_wait(struct kern_shard *s);

/* chan.c: format every ring at boot; TESS_SYS_CHAN_STOP (0 or -1); a
 * shard's (re)start other than the first (before its new life runs). */
void kern_chan_boot(const struct tess_system_cfg *sys);
int kern_chan_stop(unsigned core, struct kern_shard *s, uint64_t bit, uint64_t seen, uint64_t own);
void kern_chan_restarted(unsigned core, struct kern_shard *s);
/* s's entry ended in a fault or hang, before the runtime's end-of-entry
 * check of its rings (ring.h "Sleep protocol"): the kernel checks, and
 * wakes every peer that sleeps on one of them. */
void kern_chan_wake_peers(unsigned core, struct kern_shard *s);

/* syscall.c: returns true if the shard's turn ends (YIELD). */
bool kern_syscall(unsigned core, struct kern_shard *s, const struct trap *t);
/* notify.c */
int kern_notify(unsigned core, struct kern_shard *s, uint64_t bit);
void kern_wake(unsigned core, struct kern_shard *peer, unsigned bit);
/* console.c */
uint64_t kern_console(struct kern_shard *s, uint64_t len);
/* watchdog.c: true if the shard is hung (and the policy was applied). */
bool kern_watchdog(unsigned core, struct kern_shard *s);
/* policy.c */
void kern_fault(unsigned core, struct kern_shard *s, const struct trap *t);
/* stackguard.c: the fault kind kern reports for `t`: FAULT_STACK for a
 * read or write in the guard page below the shard's stack, else t->fault. */
unsigned kern_fault_kind(const struct tess_shard_cfg *cfg, const struct trap *t);
void kern_apply_policy(unsigned core, struct kern_shard *s, unsigned policy);
/* policy.c: restart, halt or panic the shard of lane 0 `lead`, every lane
 * of it stopped (lane.c calls it for a multi-core shard). */
void kern_shard_policy(unsigned core, struct kern_shard *lead, unsigned policy);
/* reload/swap.c: the hot-reload swap on the shard's core:
 * reload_swap_step at the top of every scheduling step, reload_swap_yield
 * on each YIELD, reload_swap_failed before a fault or hang policy (true:
 * the failed new version was rolled back instead); reload_swap_reset at
 * boot. The console core's side is kern/reload/internal.h. */
void reload_swap_reset(void);
void reload_swap_step(unsigned core);
/* A multi-core shard's lanes all stopped for the swap (lane.c): install,
 * or roll back a failed trial, on `core`. */
void reload_swap_install(unsigned core);
void reload_swap_roll_back(unsigned core);
void reload_swap_yield(unsigned core, struct kern_shard *s);
bool reload_swap_failed(unsigned core, struct kern_shard *s);
/* reload/swap.c: true if no swap step or yield would do anything for s on
 * `core` (kern_lease_grant); a request posted later IPIs the core. */
bool reload_swap_quiet(unsigned core, const struct kern_shard *s);
/* rollback.c: the shards' anti-rollback floors. kern_rollback_boot once
 * kern_boot has set every shard's boot version (floor = that, or the
 * persistent store's record); kern_rollback_accepted when a reload has
 * been committed (floor = its version, recorded in the store). */
void kern_rollback_boot(void);
void kern_rollback_accepted(struct kern_shard *s, uint64_t version);
/* log.c: one console line, prefix + text, under the console lock. */
void kern_console_line(const char *prefix, const char *prefix2, const char *text, size_t len);
/* stats.c / trace.c */
void kern_trace(unsigned core, unsigned shard, unsigned event, uint64_t arg);
void kern_trace_reset(void);
/* crash.c: the crash record of a shard that just faulted (before its
 * policy restarts it); stack.c: paint the stack at every start. */
void kern_crash_record(unsigned core, struct kern_shard *s, const struct trap *t);
void kern_stack_paint(const struct tess_shard_cfg *cfg);
/* faultname.c: "write", "SIGSEGV", "signal 31"... */
void kern_fault_what(char *buf, size_t n, unsigned kind, uint64_t code);

#endif
