/* What happens to a shard that faulted or hung: restart (bounded by a
 * restart limit), halt, or panic the whole system.
 *
 * Restart limit: at most restart_max restarts per window of
 * restart_window_ns. The window opens at the first restart after the
 * previous window expired (a fixed window, like systemd's start limit), so
 * a restart outside the window starts a new count. The restart that would
 * exceed the limit halts the shard instead. restart_window_ns == 0 means
 * the window never closes (restart_max restarts per lifetime). */
#include <kern/lib.h>
#include <kern/priv.h>

/* `s` is lane 0: the shard's every lane. */
static void halt(unsigned core, struct kern_shard *s)
{
	plat_shard_stop(s->cfg);
	for (unsigned l = 0; l < s->cfg->nlanes; l++)
		kern_set_state(kern_lane(s, l), KS_HALTED);
	kern_trace(core, s->cfg->id, KT_HALT, 0);
}

static void restart(unsigned core, struct kern_shard *s)
{
	const struct tess_shard_cfg *c = s->cfg;
	uint64_t now = plat_time_ns();
	char window[24];

	kfmt_duration(window, sizeof(window), c->restart_window_ns);
	if (s->window_count == 0 || (c->restart_window_ns && now - s->window_start > c->restart_window_ns)) {
		s->window_start = now;
		s->window_count = 0;
	}
	if (s->window_count >= c->restart_max) {
		halt(core, s);
		kern_log("shard %s: halted (restart limit %u in %s reached)", c->name, c->restart_max,
			 window);
		return;
	}
	s->window_count++;
	s->restarts_total++;
	cnt_inc(&s->n.restarts);
	plat_shard_stop(c);
	if (kern_shard_start(s, TESS_START_RESTART) != 0) {
		halt(core, s);
		kern_log("shard %s: halted (reload failed)", c->name);
		return;
	}
	kern_trace(core, c->id, KT_RESTART, s->window_count);
	kern_log("shard %s: restarted (%u/%u in %s)", c->name, s->window_count, c->restart_max, window);
}

void kern_apply_policy(unsigned core, struct kern_shard *s, unsigned policy)
{
	kern_chan_wake_peers(core, s);
	/* A freshly reloaded version on trial is rolled back instead. */
	if (reload_swap_failed(core, s))
		return;
	if (s->cfg->nlanes > 1)
		kern_lanes_stop(core, s, policy); /* the whole shard, once every lane stopped */
	else
		kern_shard_policy(core, s, policy);
}

void kern_shard_policy(unsigned core, struct kern_shard *s, unsigned policy)
{
	switch (policy) {
	case TESS_POLICY_RESTART:
		restart(core, s);
		break;
	case TESS_POLICY_PANIC:
		kern_trace(core, s->cfg->id, KT_PANIC, 0);
		kern_log("shard %s: panic: halting the system", s->cfg->name);
		plat_halt_all();
	case TESS_POLICY_HALT:
	default:
		halt(core, s);
		kern_log("shard %s: halted", s->cfg->name);
		break;
	}
}

void kern_fault(unsigned core, struct kern_shard *s, const struct trap *t)
{
	const struct tess_shard_cfg *c = s->cfg;
	unsigned kind = kern_fault_kind(c, t);
	char what[24];

	kern_fault_what(what, sizeof(what), kind, t->code);

	cnt_inc(&s->n.faults);
	atomic_store_explicit(&s->lead->last.kind, kind, memory_order_relaxed);
	atomic_store_explicit(&s->lead->last.code, t->code, memory_order_relaxed);
	atomic_store_explicit(&s->lead->last.addr, t->addr, memory_order_relaxed);
	atomic_store_explicit(&s->lead->last.pc, t->pc, memory_order_relaxed);
	atomic_store_explicit(&s->lead->last.at, plat_time_ns(), memory_order_relaxed);
	atomic_store_explicit(&s->lead->last.reason, KR_FAULT, memory_order_relaxed);
	kern_trace(core, c->id, KT_FAULT, t->addr);
	kern_crash_record(core, s, t);
	kern_set_state(s, KS_FAULTED);
	kern_log("shard %s: fault %s at 0x%llx pc 0x%llx", c->name, what, (unsigned long long)t->addr,
		 (unsigned long long)t->pc);
	kern_apply_policy(core, s, c->on_fault);
}
