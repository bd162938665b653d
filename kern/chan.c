/* Channel rings after the tables: formatting at boot, and a ring an end
 * stopped trusting. Both ends map the whole ring read-write, so a hostile
 * or broken end can write any index; the other end checks every index it
 * reads (<tessera/ring.h> "Trust") and, on a protocol error, stops touching
 * the ring and says so (TESS_SYS_CHAN_STOP). The kernel counts and logs it
 * and re-formats the ring (indices 0, header from tess_system) at the
 * first moment neither end can be using it:
 *   - the other end (re)starts: it has not run yet, the stopped end waits;
 *   - both ends stopped.
 * Then every stopped end gets its bit in its control page's chan_reset and
 * a notification, and opens the ring afresh; what was in flight is lost
 * (the ring was poisoned). When the stopped end itself restarts, the ring
 * is left as it is: its new life opens it and checks the indices again
 * (the peer runs on and may be using them). Without a recorded stop a
 * restart never re-formats: a restarted consumer gets its unreleased
 * messages again, a restarted producer continues.
 *
 * An end tells a sleeping peer about what it committed or released once
 * per entry, before its yield (ring.h "Sleep protocol"). An entry that
 * ends in a fault or a hang never gets there, so the kernel makes that
 * check for it: every peer that sleeps on one of its rings is woken. */
#include <kern/lib.h>
#include <kern/priv.h>
#include <tessera/ring.h>

struct kern_chan kern_chans[TESS_MAX_CHANNELS];

static void format(const struct tess_chan_cfg *ch, size_t bytes)
{
	void *mem = plat_pa_to_kva(ch->pa);

	memset(mem, 0, bytes);
	ring_init(mem, ch->slots, ch->slot_size);
}

/* Every ring, before any shard runs: cleared whole (RAM is not zero on
 * hardware) and its header written. kern_check_tables vetted the geometry
 * and the memory. */
void kern_chan_boot(const struct tess_system_cfg *sys)
{
	memset(kern_chans, 0, sizeof(kern_chans));
	for (unsigned i = 0; i < sys->nchannels; i++)
		format(&sys->channels[i], sys->channels[i].size);
}

/* The lane that uses channel ch's end `role` (kern_check_tables vetted it). */
static struct kern_shard *end_shard(const struct tess_chan_cfg *ch, unsigned role)
{
	bool prod = role == TESS_ROLE_PRODUCER;
	struct kern_shard *lead = &kern_shards[prod ? ch->from : ch->to];
	struct kern_shard *s = kern_lane(lead, prod ? ch->from_lane : ch->to_lane);

	return s ? s : lead;
}

static unsigned end_bit(const struct tess_chan_cfg *ch, unsigned role)
{
	return role == TESS_ROLE_PRODUCER ? ch->from_bit : ch->to_bit;
}

/* Re-format channel c, which no end is using, and have the ends in `tell`
 * (a mask of 1 << role) open it again. Only the header is rewritten: the
 * slots' old bytes are never read before they are written again. */
static void reformat(unsigned core, unsigned c, unsigned tell, const char *why)
{
	const struct tess_chan_cfg *ch = &kern_sys->channels[c];

	format(ch, TESS_CHAN_HDR_SIZE);
	cnt_inc_shared(&kern_chans[c].formats);
	kern_log("channel %s (%s -> %s): re-formatted (%s)", ch->name, kern_sys->shards[ch->from].name,
		 kern_sys->shards[ch->to].name, why);
	for (unsigned role = 0; role < 2; role++) {
		struct kern_shard *s = end_shard(ch, role);
		unsigned bit = end_bit(ch, role);

		if (!(tell & 1u << role))
			continue;
		atomic_fetch_or(&s->ctrl->chan_reset, (uint64_t)1 << bit);
		kern_wake(core, s, bit);
	}
}

int kern_chan_stop(unsigned core, struct kern_shard *s, uint64_t bit, uint64_t seen, uint64_t own)
{
	static const char *const idx[2] = {"tail", "head"}; /* what each role reads */
	const struct tess_chan_cfg *ch;
	struct kern_chan *kc;
	uint32_t role, me, both = 1u << TESS_ROLE_PRODUCER | 1u << TESS_ROLE_CONSUMER, old;

	if (bit >= s->cfg->nends || s->cfg->ends[bit].lane != s->lane)
		return -1;
	ch = &kern_sys->channels[s->cfg->ends[bit].channel];
	kc = &kern_chans[s->cfg->ends[bit].channel];
	role = s->cfg->ends[bit].role;
	me = 1u << role;
	cnt_inc_shared(&kc->stops[role]);
	old = atomic_fetch_or(&kc->stopped, me);
	if (!(old & me)) /* once per stop: a repeated call only counts */
		kern_log("channel %s (%s -> %s): %s stopped it: peer %s %llu, own %s %llu, %u slots",
			 ch->name, kern_sys->shards[ch->from].name, kern_sys->shards[ch->to].name,
			 s->cfg->name, idx[role], (unsigned long long)(uint32_t)seen, idx[role ^ 1],
			 (unsigned long long)(uint32_t)own, ch->slots);
	if ((old | me) == both && atomic_compare_exchange_strong(&kc->stopped, &both, 0))
		reformat(core, s->cfg->ends[bit].channel, both, "both ends stopped");
	return 0;
}

void kern_chan_restarted(unsigned core, struct kern_shard *s)
{
	for (unsigned i = 0; i < s->cfg->nends; i++) {
		unsigned c = s->cfg->ends[i].channel, other = 1u << (s->cfg->ends[i].role ^ 1);

		/* Our new life starts trusting the ring again; a stopped peer
		 * waits for a fresh one. */
		if (atomic_exchange(&kern_chans[c].stopped, 0) & other) {
			char why[48];

			tess_snprintf(why, sizeof(why), "%s restarted", s->cfg->name);
			reformat(core, c, other, why);
		}
	}
}

void kern_chan_wake_peers(unsigned core, struct kern_shard *s)
{
	atomic_thread_fence(memory_order_seq_cst); /* the runtime's check, for it */
	for (unsigned i = 0; i < s->cfg->nends; i++) {
		const struct tess_chan_cfg *ch = &kern_sys->channels[s->cfg->ends[i].channel];
		struct tess_ring_shm *r = plat_pa_to_kva(ch->pa);
		unsigned peer = s->cfg->ends[i].role ^ 1;

		if (ring_take_flag(peer == TESS_ROLE_CONSUMER ? &r->consumer_waiting : &r->producer_waiting))
			kern_wake(core, end_shard(ch, peer), end_bit(ch, peer));
	}
}
