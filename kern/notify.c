/* Notifications: NOTIFY from a channel end, and device IRQs, OR one bit
 * into the receiver's pending set; a sleeping receiver on another core gets
 * its core woken. Ordering (all seq_cst): the sender ORs `pending`, then
 * reads `waiting`; the receiver's core publishes `waiting`, then reads
 * `pending` (shard.c kern_shard_wait, sched.c pick). One of the two always
 * sees the other's write (the single total order of seq_cst operations,
 * C11 7.17.3p6), so a wakeup cannot be lost. */
#include <kern/priv.h>

void kern_wake(unsigned core, struct kern_shard *peer, unsigned bit)
{
	atomic_fetch_or(&peer->pending, (tess_set_t)1 << bit);
	cnt_inc_shared(&peer->n.notify_recv);
	/* The same core rescans its shards before it idles: no IPI needed. A
	 * running peer that holds a yield lease (sched.c) must see its bit at
	 * its next yield: the IPI revokes the lease. */
	if (kern_lane_core(peer) != core && (atomic_load(&peer->waiting) || atomic_load(&peer->leased))) {
		cnt_inc_shared(&kern_cores[kern_lane_core(peer)].ipis);
		plat_ipi(kern_lane_core(peer));
	}
}

/* a0: local event bit of one of the caller's channel ends. */
int kern_notify(unsigned core, struct kern_shard *s, uint64_t bit)
{
	const struct tess_chan_end *end;
	const struct tess_chan_cfg *ch;
	bool prod;
	unsigned peer, peer_bit;
	struct kern_shard *to;

	/* Only this lane's own ends (a channel is single-producer single-consumer). */
	if (bit >= s->cfg->nends || s->cfg->ends[bit].lane != s->lane)
		return -1;
	end = &s->cfg->ends[bit];
	ch = &kern_sys->channels[end->channel];
	prod = end->role == TESS_ROLE_PRODUCER;
	peer = prod ? ch->to : ch->from;
	peer_bit = prod ? ch->to_bit : ch->from_bit;
	to = kern_lane(&kern_shards[peer], prod ? ch->to_lane : ch->from_lane);
	if (!to)
		return -1;
	cnt_inc(&s->n.notify_sent);
	cnt_inc(&kern_chans[end->channel].notifies[end->role]); /* only this end's shard calls */
	kern_trace(core, s->cfg->id, KT_NOTIFY, (uint64_t)peer << 8 | peer_bit);
	kern_wake(core, to, peer_bit);
	return 0;
}

/* Route a device IRQ to the shard it is granted to. The platform masked
 * it; the owner unmasks it with TESS_SYS_IRQ_ACK. */
void kern_irq(unsigned core, uint32_t irq)
{
	for (unsigned i = 0; kern_sys && i < kern_sys->nshards; i++) {
		struct kern_shard *s = &kern_shards[i];

		for (unsigned q = 0; q < s->cfg->nirqs; q++) {
			if (s->cfg->irqs[q].irq != irq)
				continue;
			struct kern_shard *to = kern_lane(s, s->cfg->irqs[q].lane);

			if (!to)
				break;
			cnt_inc_shared(&to->n.irqs);
			kern_trace(core, i, KT_IRQ, irq);
			kern_wake(core, to, s->cfg->irqs[q].bit);
			return;
		}
	}
	kern_log("irq %u: not granted to any shard, left masked", irq);
}
