/* The watchdog, checked on every tick trap of a core: the running shard is
 * hung once more than watchdog_ns passed since it was dispatched (i.e.
 * since its last yield). Detection latency is at most timeout + one tick.
 * watchdog_ns == 0 disables it. A tick never ends a healthy shard's turn:
 * there is no time slicing. */
#include <kern/priv.h>

bool kern_watchdog(unsigned core, struct kern_shard *s)
{
	const struct tess_shard_cfg *c = s->cfg;
	uint64_t ran = plat_time_ns() - s->dispatched_at;

	if (c->watchdog_ns == 0 || ran <= c->watchdog_ns)
		return false;
	cnt_inc(&s->n.hangs);
	atomic_store_explicit(&s->lead->last.reason, KR_HANG, memory_order_relaxed);
	atomic_store_explicit(&s->lead->last.ns, ran, memory_order_relaxed);
	atomic_store_explicit(&s->lead->last.at, plat_time_ns(), memory_order_relaxed);
	kern_trace(core, c->id, KT_HANG, ran);
	kern_set_state(s, KS_FAULTED);
	kern_log("shard %s: watchdog: no yield for %llu ms", c->name, (unsigned long long)(ran / 1000000u));
	kern_apply_policy(core, s, c->on_hang);
	return true;
}
