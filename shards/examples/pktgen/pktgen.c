/* pktgen: a polling producer. Every turn it fills up to PKT_BURST free slots
 * of tess_out(0) with sequence-numbered packets and commits them at once.
 * The next sequence number is kept in persistent memory when the shard has
 * some, so a restarted pktgen continues the sequence instead of repeating it.
 * (It is saved right after each commit: a kill between the two could resend
 * at most one burst, which the sink would report.) Generates forever; the
 * simulator's --messages N ends the run. */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/pkt.h"

#define STATE_MAGIC 0x50475354u /* "PGST" */

struct state {
	uint32_t magic;
	uint32_t pad;
	uint64_t next_seq;
};

static struct state local; /* used when there is no persistent memory */
static struct state *st;

void shard_init(enum tess_start_reason why)
{
	size_t size = 0;
	struct state *p = tess_persistent(&size);

	st = p && size >= sizeof(*p) ? p : &local;
	if (st->magic != STATE_MAGIC) {
		st->magic = STATE_MAGIC;
		st->next_seq = 0;
	}
	tess_log("up (reason %d), next seq %llu", why, (unsigned long long)st->next_seq);
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
		uint64_t seq = st->next_seq + i;

		p->seq = seq;
		p->len = sizeof(p->payload);
		p->flags = 0;
		for (unsigned b = 0; b < sizeof(p->payload); b++)
			p->payload[b] = (uint8_t)(seq + b);
	}
	tess_commit(out, n);
	st->next_seq += n;
}
