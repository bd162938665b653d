/* pktgen: a polling producer. Every turn it fills up to PKT_BURST free slots
 * of tess_out(0) with sequence-numbered packets and commits them at once.
 * Generates forever; the simulator's --messages N ends the run.
 *
 * The next sequence number survives a restart or reload when the shard has
 * persistent memory, exactly: a stop can come between any two instructions
 * (a watchdog hit or a rolled-back trial mid-entry), so what is saved is a
 * mark (sequence number, ring index) from which the next number follows,
 * seq = mark.seq + (index now - mark.index), not "the next number" (a stop
 * between the commit and such a save resent the burst). The mark is written
 * after each commit into the slot not in use, then made current with one
 * store: a stop leaves either mark, each consistent, and at most one burst
 * committed past it, which the ring index accounts for. */
#include <stdatomic.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

#define STATE_MAGIC 0x32534750u /* "PGS2" */

struct mark {
	uint64_t seq;	/* sequence number of the packet at ring index `index` */
	uint32_t index; /* the producer's ring index (tess_chan_index) then */
	uint32_t pad;
};

struct state {
	uint32_t magic;
	_Atomic uint32_t cur; /* the mark in force */
	struct mark mark[2];
};

static struct state local; /* used when there is no persistent memory */
static struct state *st;
static uint64_t next_seq;

static void save(struct tess_chan *out)
{
	uint32_t other = 1 - atomic_load_explicit(&st->cur, memory_order_relaxed);

	st->mark[other].seq = next_seq;
	st->mark[other].index = tess_chan_index(out);
	atomic_store_explicit(&st->cur, other, memory_order_release);
}

void shard_init(enum tess_start_reason why)
{
	size_t size = 0;
	struct state *p = tess_persistent(&size);
	struct tess_chan *out = tess_out(0);
	const struct mark *m;
	uint32_t ahead;

	st = p && size >= sizeof(*p) ? p : &local;
	if (st->magic != STATE_MAGIC) {
		st->magic = STATE_MAGIC;
		atomic_store(&st->cur, 0);
		st->mark[0].seq = 0;
		st->mark[0].index = out ? tess_chan_index(out) : 0;
	}
	m = &st->mark[atomic_load(&st->cur) & 1];
	/* Committed after the mark: at most a burst (a re-formatted ring, its
	 * index back at 0, shows as more: its contents were lost anyway). */
	ahead = out ? tess_chan_index(out) - m->index : 0;
	next_seq = m->seq + (ahead <= PKT_BURST ? ahead : 0);
	tess_log("up (reason %d), next seq %llu", why, (unsigned long long)next_seq);
}

void shard_poll(void)
{
	struct tess_chan *out = tess_out(0);
	void *slots[PKT_BURST];
	unsigned n;

	if (!out)
		return;
	n = tess_reserve_burst(out, slots, PKT_BURST);
	for (unsigned i = 0; i < n; i++) {
		struct pkt *p = slots[i];
		uint64_t seq = next_seq + i;

		p->seq = seq;
		p->len = sizeof(p->payload);
		p->flags = 0;
		for (unsigned b = 0; b < sizeof(p->payload); b++)
			p->payload[b] = (uint8_t)(seq + b);
	}
	tess_commit(out, n);
	next_seq += n;
	if (n)
		save(out);
}
