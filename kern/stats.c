/* Read-only access to the per-shard counters, and the end-of-run table. */
#include <kern/lib.h>
#include <kern/priv.h>
#include <tessera/ring.h>

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

static void last_fault_text(const struct kern_shard *s, char *buf, size_t n)
{
	char what[24];

	switch (LOAD(s->last.reason)) {
	case KR_FAULT:
		kern_fault_what(what, sizeof(what), LOAD(s->last.kind), LOAD(s->last.code));
		tess_snprintf(buf, n, "%s at 0x%llx pc 0x%llx", what, (unsigned long long)LOAD(s->last.addr),
			      (unsigned long long)LOAD(s->last.pc));
		break;
	case KR_HANG:
		tess_snprintf(buf, n, "watchdog: no yield for %llu ms",
			      (unsigned long long)(LOAD(s->last.ns) / 1000000u));
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

int kern_stats_get(unsigned id, struct kern_shard_stats *out)
{
	const struct kern_shard *s = kern_shard_by_id(id);

	if (!s)
		return -1;
	memset(out, 0, offsetof(struct kern_shard_stats, state));
	/* A multi-core shard's counters are its lanes' sums; restarts are the
	 * shard's (lane 0 counts them), and so are state and last fault. */
	for (unsigned l = 0; l < s->cfg->nlanes; l++) {
		const struct kern_shard *ln = kern_lane((struct kern_shard *)s, l);

		out->dispatches += LOAD(ln->n.dispatches);
		out->resumes += LOAD(ln->n.resumes);
		out->syscalls += LOAD(ln->n.syscalls);
		out->bad_syscalls += LOAD(ln->n.bad_syscalls);
		out->yields += LOAD(ln->n.yields);
		out->notify_sent += LOAD(ln->n.notify_sent);
		out->notify_recv += LOAD(ln->n.notify_recv);
		out->irqs += LOAD(ln->n.irqs);
		out->faults += LOAD(ln->n.faults);
		out->hangs += LOAD(ln->n.hangs);
		out->run_ns += LOAD(ln->n.run_ns);
	}
	out->restarts = LOAD(s->n.restarts);
	out->version = s->version;
	out->state = LOAD(s->state);
	last_fault_text(s, out->last_fault, sizeof(out->last_fault));
	out->last_reason = LOAD(s->last.reason);
	out->last_kind = LOAD(s->last.kind);
	out->last_code = LOAD(s->last.code);
	out->last_addr = LOAD(s->last.addr);
	out->last_pc = LOAD(s->last.pc);
	out->last_hang_ns = LOAD(s->last.ns);
	out->last_at = LOAD(s->last.at);
	return 0;
}

int kern_core_stats_get(unsigned core, struct kern_core_stats *out)
{
	const struct kern_core *c = &kern_cores[core];
	uint64_t seq, since, now;

	if (!kern_sys || core >= kern_sys->ncores)
		return -1;
	out->busy_ns = LOAD(c->busy_ns);
	do {
		while ((seq = atomic_load(&c->idle_seq)) & 1)
			; /* the owner core is between two of its stores */
		out->idle_ns = atomic_load(&c->idle_ns);
		since = atomic_load(&c->idle_since);
	} while (atomic_load(&c->idle_seq) != seq);
	/* The period under way counts up to now: a core that sleeps for long
	 * does not look busy until it wakes. */
	now = plat_time_ns();
	out->idle_ns += since && now > since ? now - since : 0;
	out->ticks = LOAD(c->ticks);
	out->ipis = LOAD(c->ipis);
	out->current = (int32_t)LOAD(c->current) - 1;
	return 0;
}

int kern_chan_stats_get(unsigned ch, struct kern_chan_stats *out)
{
	if (!kern_sys || ch >= kern_sys->nchannels)
		return -1;
	out->stops_producer = LOAD(kern_chans[ch].stops[TESS_ROLE_PRODUCER]);
	out->stops_consumer = LOAD(kern_chans[ch].stops[TESS_ROLE_CONSUMER]);
	out->formats = LOAD(kern_chans[ch].formats);
	out->notifies_producer = LOAD(kern_chans[ch].notifies[TESS_ROLE_PRODUCER]);
	out->notifies_consumer = LOAD(kern_chans[ch].notifies[TESS_ROLE_CONSUMER]);
	return 0;
}

/* Channel fill from the ring's shared lines: head and tail are free-running
 * counts of slots committed and released (as the ends wrote them: figures,
 * not facts, if an end is hostile); then protocol errors, if any. */
static void channel_line(unsigned c)
{
	const struct tess_chan_cfg *ch = &kern_sys->channels[c];
	const char *from = kern_sys->shards[ch->from].name, *to = kern_sys->shards[ch->to].name;
	struct tess_ring_shm *r = plat_pa_to_kva(ch->pa);
	struct kern_chan_stats st;
	uint32_t head, tail;

	if (!r)
		return;
	head = LOAD(r->head);
	tail = LOAD(r->tail);
	kern_log("channel %s (%s -> %s): %u sent, %u received, %u in flight of %u slots", ch->name, from, to,
		 head, tail, head - tail, ch->slots);
	kern_chan_stats_get(c, &st);
	if (st.stops_producer || st.stops_consumer || st.formats)
		kern_log("channel %s: protocol errors seen by %s %llu, by %s %llu; re-formatted %llu times",
			 ch->name, from, (unsigned long long)st.stops_producer, to,
			 (unsigned long long)st.stops_consumer, (unsigned long long)st.formats);
}

void kern_stats_print(void)
{
	struct kern_shard_stats st;

	if (!kern_sys)
		return;
	kern_log("%-12s %4s %-10s %8s %8s %8s %8s %6s %8s %5s %6s %5s %8s  %s", "shard", "core", "state",
		 "turns", "yields", "sent", "recv", "irqs", "syscalls", "bad", "faults", "hangs", "restarts",
		 "last fault");
	for (unsigned i = 0; i < kern_sys->nshards; i++) {
		kern_stats_get(i, &st);
		kern_log("%-12s %4u %-10s %8llu %8llu %8llu %8llu %6llu %8llu %5llu %6llu %5llu %8llu  %s",
			 kern_sys->shards[i].name, kern_sys->shards[i].core, kern_state_name(st.state),
			 (unsigned long long)st.dispatches, (unsigned long long)st.yields,
			 (unsigned long long)st.notify_sent, (unsigned long long)st.notify_recv,
			 (unsigned long long)st.irqs, (unsigned long long)st.syscalls,
			 (unsigned long long)st.bad_syscalls, (unsigned long long)st.faults,
			 (unsigned long long)st.hangs, (unsigned long long)st.restarts,
			 st.last_fault[0] ? st.last_fault : "-");
	}
	for (unsigned c = 0; c < kern_sys->nchannels; c++)
		channel_line(c);
}
