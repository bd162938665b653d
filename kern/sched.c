/* The per-core cooperative scheduler: round robin over the core's shards
 * in manifest order. A turn runs one shard until it yields (or faults, or
 * is found hung); system calls other than YIELD, ticks and IRQs resume the
 * same shard at once. No time slicing: the watchdog is the only limit. */
#include <kern/priv.h>
#include <kern/sched.h>

/* Next runnable shard of `core` after the one that ran last, or NULL. */
static struct kern_shard *pick(unsigned core)
{
	const struct tess_core_cfg *cc = &kern_sys->cores[core];
	struct kern_core *kc = &kern_cores[core];

	for (unsigned i = 0; i < cc->nshards; i++) {
		unsigned slot = (kc->next + i) % cc->nshards;
		struct kern_shard *s = kc->lanes[slot];

		if (s->cfg->nlanes > 1 && kern_lane_stop_due(core, s, false))
			continue;
		if (kern_runnable(s)) {
			kc->next = (slot + 1) % cc->nshards;
			return s;
		}
	}
	return 0;
}

/* Hand the shard its turn: clear `waiting` before taking the pending set,
 * so a bit ORed after the exchange is either seen by the next scan or
 * delivered by the next YIELD. */
static void dispatch(unsigned core, struct kern_shard *s)
{
	tess_set_t set = 0;

	/* Pairs with the release fence of a (re)start, which another core of
	 * a multi-core shard may have done (shard.c): its context is ours. */
	atomic_thread_fence(memory_order_acquire);
	atomic_store(&s->waiting, false);
	if (s->in_syscall) {
		set = atomic_exchange(&s->pending, 0);
		arch_ctx_set_ret(&s->ctx, set);
	}
	kern_set_state(s, KS_RUNNING);
	s->dispatched_at = plat_time_ns();
	cnt_inc(&s->n.dispatches);
	kern_trace(core, s->cfg->id, KT_DISPATCH, set);
}

/* Handles one trap; true if the turn is over. */
static bool handle(unsigned core, struct kern_shard *s, const struct trap *t)
{
	switch (t->kind) {
	case TRAP_SYSCALL:
		s->in_syscall = true;
		return kern_syscall(core, s, t);
	case TRAP_TICK:
		return kern_watchdog(core, s);
	case TRAP_IRQ:
		kern_irq(core, t->irq);
		return false;
	case TRAP_FAULT:
	default:
		kern_fault(core, s, t);
		return true;
	}
}

/* Time accounting for inspection (kern/inspect): the core's busy time is
 * its turns, the shard's the same less the interrupt work kern_irq_work
 * moved its dispatched_at on by. One clock read more per turn. */
static void idle(unsigned core)
{
	struct kern_core *kc = &kern_cores[core];
	uint64_t t0 = plat_time_ns();

	atomic_fetch_add(&kc->idle_seq, 1);
	atomic_store(&kc->idle_since, t0);
	atomic_fetch_add(&kc->idle_seq, 1);
	plat_idle(core);
	atomic_fetch_add(&kc->idle_seq, 1);
	cnt_add(&kc->idle_ns, plat_time_ns() - t0);
	atomic_store(&kc->idle_since, 0);
	atomic_fetch_add(&kc->idle_seq, 1);
}

bool kern_core_step(unsigned core)
{
	struct kern_core *kc = &kern_cores[core];
	struct kern_shard *s;
	struct trap t;
	uint64_t start, end;

	/* Between two entries: the only point where a hot reload may stop a
	 * shard of this core (never mid-entry). */
	reload_swap_step(core);
	s = pick(core);
	if (!s) {
		idle(core);
		return false;
	}
	dispatch(core, s);
	start = s->dispatched_at;
	kc->running = s;
	atomic_store_explicit(&kc->current, s->cfg->id + 1u, memory_order_relaxed);
	do {
		t = (struct trap){0};
		cnt_inc(&s->n.resumes);
		arch_shard_run(s, &s->ctx, &t);
	} while (!handle(core, s, &t) && !(s->cfg->nlanes > 1 && kern_lane_stop_due(core, s, true)));
	end = plat_time_ns();
	/* A restart or reload in the turn's end may have reset dispatched_at. */
	cnt_add(&s->n.run_ns, end > s->dispatched_at ? end - s->dispatched_at : 0);
	cnt_add(&kc->busy_ns, end - start);
	atomic_store_explicit(&kc->current, 0, memory_order_relaxed);
	kc->running = 0;
	return true;
}

void kern_tick(unsigned core)
{
	if (core < TESS_MAX_CORES)
		cnt_inc(&kern_cores[core].ticks);
}

/* The watchdog measures the shard's turn: time the platform spent on the
 * console's business inside it (a hot reload's frames, verdicts) is the
 * kernel's, so the turn's start moves on by it. */
void kern_irq_work(unsigned core, uint64_t since_ns)
{
	struct kern_shard *s = core < TESS_MAX_CORES ? kern_cores[core].running : 0;

	if (s)
		s->dispatched_at += plat_time_ns() - since_ns;
}

/* Ordering against kern_wake: `leased` is published before the other
 * shards and the pending set are looked at; a notifier ORs `pending` before
 * it reads `leased` (all seq_cst). Either the grant sees the bit, or the
 * notifier sees the lease and IPIs the core (notify.c). */
bool kern_lease_grant(unsigned core)
{
	const struct tess_core_cfg *cc = &kern_sys->cores[core];
	struct kern_shard *s = kern_cores[core].running;

	if (!s)
		return false;
	atomic_store(&s->leased, true);
	for (unsigned i = 0; i < cc->nshards; i++) {
		struct kern_shard *o = &kern_shards[cc->order[i]];

		if (o != s && kern_runnable(o))
			goto no;
	}
	if (atomic_load(&s->pending) == 0 && reload_swap_quiet(core, s))
		return true;
no:
	atomic_store(&s->leased, false);
	return false;
}

/* What the platform's own yields did: counted as the kernel would have
 * (a yield and a dispatch each), the last one starting the current turn. */
void kern_lease_return(unsigned core, uint64_t yields, uint64_t last_ns)
{
	struct kern_shard *s = kern_cores[core].running;

	if (!s)
		return;
	atomic_store_explicit(&s->leased, false, memory_order_relaxed);
	if (!yields)
		return;
	atomic_fetch_add_explicit(&s->n.yields, yields, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->n.syscalls, yields, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->n.dispatches, yields, memory_order_relaxed);
	if (last_ns > s->dispatched_at)
		s->dispatched_at = last_ns;
}

_Noreturn void kern_core_main(unsigned core)
{
	for (;;)
		kern_core_step(core);
}
