/* Lanes of a multi-core shard (docs/design.md "Lanes"): lane i runs on the
 * core the tables list i-th. Every lane index and core the kernel uses
 * comes from here, checked against the shard's own nlanes.
 *
 * A fault or hang on any lane stops the whole shard: the lane that failed
 * stops at once; every other lane stops on its own core, at the next trap
 * of its turn (system call, tick, IRQ) if it is running, else at that
 * core's next scheduling step (its core is woken for it). Each clears its
 * bit in the lead's `stopping`; the one that clears the last applies the
 * policy to the shard, on its core, so no core ever waits for another and
 * no lane is restarted while another still runs the old life. */
#include <kern/lib.h>
#include <kern/priv.h>

struct kern_shard kern_lanes[TESS_MAX_SHARDS][TESS_MAX_LANES - 1];

int kern_lane_on(const struct tess_shard_cfg *cfg, unsigned core)
{
	for (unsigned l = 0; cfg->lanes && l < cfg->nlanes && l < TESS_MAX_LANES; l++)
		if (cfg->lanes[l].core == core)
			return (int)l;
	return -1;
}

struct kern_shard *kern_lane(struct kern_shard *lead, unsigned lane)
{
	if (lane == 0)
		return lead;
	if (lane >= lead->cfg->nlanes || lane >= TESS_MAX_LANES || lead->cfg->id >= TESS_MAX_SHARDS)
		return 0;
	return &kern_lanes[lead->cfg->id][lane - 1];
}

unsigned kern_lane_core(const struct kern_shard *s)
{
	return s->cfg->lanes[s->lane].core;
}

void kern_lanes_boot(struct kern_shard *lead)
{
	const struct tess_shard_cfg *c = lead->cfg;

	for (unsigned l = 0; l < c->nlanes; l++) {
		struct kern_shard *s = kern_lane(lead, l);

		if (l)
			memset(s, 0, sizeof(*s));
		s->cfg = c;
		s->lead = lead;
		s->lane = l;
		s->ctrl = plat_pa_to_kva(c->lanes[l].ctrl_pa);
		kern_set_state(s, KS_INIT);
	}
}

static void wake_lanes(unsigned core, struct kern_shard *lead)
{
	for (unsigned l = 0; l < lead->cfg->nlanes; l++) {
		unsigned other = lead->cfg->lanes[l].core;

		if (other != core)
			plat_ipi(other);
	}
}

/* Lane `s` is stopped for the policy: the last one applies it. */
static void stopped(unsigned core, struct kern_shard *s)
{
	struct kern_shard *lead = s->lead;
	uint32_t me = 1u << s->lane;

	kern_set_state(s, KS_FAULTED);
	if (atomic_fetch_and(&lead->stopping, ~me) == me)
		kern_shard_policy(core, lead, atomic_load(&lead->stop_policy));
}

void kern_lanes_stop(unsigned core, struct kern_shard *s, unsigned policy)
{
	struct kern_shard *lead = s->lead;
	uint32_t all = (uint32_t)((1ull << lead->cfg->nlanes) - 1);
	uint32_t none = 0;

	/* The first failure decides the policy; a lane failing while the
	 * shard stops anyway is just one more stopped lane. */
	if (atomic_compare_exchange_strong(&lead->stopping, &none, all)) {
		atomic_store(&lead->stop_policy, policy);
		kern_log("shard %s: lane %u failed: stopping its %u lanes", s->cfg->name, s->lane,
			 lead->cfg->nlanes);
		wake_lanes(core, lead);
	}
	if (atomic_load(&lead->stopping) & 1u << s->lane)
		stopped(core, s);
}

bool kern_lane_stop_due(unsigned core, struct kern_shard *s)
{
	if (!(atomic_load(&s->lead->stopping) & 1u << s->lane))
		return false;
	stopped(core, s);
	return true;
}

void kern_lanes_entered(unsigned core, struct kern_shard *s)
{
	if (s->lane != 0 || s->cfg->nlanes == 1 || atomic_load(&s->entered))
		return;
	atomic_store(&s->entered, true);
	wake_lanes(core, s);
}
