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

/* lead->stopping: the lanes still to stop (a bit each, low half) and what
 * the last one does (high half), in one word so that both change at once. */
#define STOP_LANES 0xffffu
#define STOP_WHAT  16

/* Lane `s` is stopped: the last one applies what the stop is for. */
static void stopped(unsigned core, struct kern_shard *s)
{
	struct kern_shard *lead = s->lead;
	uint32_t me = 1u << s->lane, old;
	unsigned what;

	kern_set_state(s, KS_FAULTED);
	old = atomic_fetch_and(&lead->stopping, ~me);
	if ((old & STOP_LANES) != me)
		return;
	atomic_store(&lead->stopping, 0);
	what = old >> STOP_WHAT;
	if (what == KERN_STOP_RELOAD)
		reload_swap_install(core);
	else if (what == KERN_STOP_ROLLBACK)
		reload_swap_roll_back(core);
	else
		kern_shard_policy(core, lead, what);
}

/* Start stopping every lane for `what`; false if the shard is stopping
 * for something else already. */
static bool stop_all(unsigned core, struct kern_shard *lead, unsigned what)
{
	uint32_t none = 0, all = (uint32_t)((1ull << lead->cfg->nlanes) - 1);

	if (!atomic_compare_exchange_strong(&lead->stopping, &none, what << STOP_WHAT | all))
		return false;
	wake_lanes(core, lead);
	return true;
}

void kern_lanes_stop(unsigned core, struct kern_shard *s, unsigned policy)
{
	/* The first failure decides the policy; a lane failing while the
	 * shard stops anyway (for a hot reload too: the failed version is
	 * being replaced) is just one more stopped lane. */
	if (stop_all(core, s->lead, policy))
		kern_log("shard %s: lane %u failed: stopping its %u lanes", s->cfg->name, s->lane,
			 s->cfg->nlanes);
	if (atomic_load(&s->lead->stopping) & 1u << s->lane)
		stopped(core, s);
}

bool kern_lanes_gather(unsigned core, struct kern_shard *lead, unsigned what)
{
	return stop_all(core, lead, what);
}

bool kern_lane_stop_due(unsigned core, struct kern_shard *s, bool mid_turn)
{
	uint32_t st = atomic_load(&s->lead->stopping);

	if (!(st & 1u << s->lane))
		return false;
	/* A hot reload stops a lane at a yield only: what it took from its
	 * rings is handled by then (the swap's no-loss guarantee). */
	if (mid_turn && st >> STOP_WHAT == KERN_STOP_RELOAD)
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
