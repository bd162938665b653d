/* Sanity checks of the build-time tables before anything is started. The
 * manifest checker should have caught all of this; these checks guard
 * against a stale or hand-edited tables.c, and name every problem found. */
#include <kern/priv.h>
#include <tessera/ring.h>

static int bad;

#define PROBLEM(...)                                                                                         \
	do {                                                                                                 \
		kern_log("tables: " __VA_ARGS__);                                                            \
		bad++;                                                                                       \
	} while (0)

/* Lane i on cores[i], each core once; lane 0 is the shard's core, stack
 * and control page. Every lane index the kernel later takes from a table
 * (an end's, an IRQ's) is checked against nlanes here. */
static void check_lanes(const struct tess_system_cfg *sys, const struct tess_shard_cfg *c, const char *name)
{
	if (c->nlanes == 0 || c->nlanes > TESS_MAX_LANES || !c->lanes) {
		PROBLEM("shard %s: %u lanes (1..%u)", name, c->nlanes, TESS_MAX_LANES);
		return;
	}
	if (c->lanes[0].core != c->core || c->lanes[0].stack_top != c->stack_top ||
	    c->lanes[0].ctrl_pa != c->ctrl_pa || c->lanes[0].ctrl_va != c->ctrl_va)
		PROBLEM("shard %s: lane 0 is not the shard's core, stack and control page", name);
	for (unsigned l = 0; l < c->nlanes; l++) {
		if (c->lanes[l].core >= sys->ncores)
			PROBLEM("shard %s: lane %u on core %u, system has %u", name, l, c->lanes[l].core,
				sys->ncores);
		if (!plat_pa_to_kva(c->lanes[l].ctrl_pa))
			PROBLEM("shard %s: lane %u: control page not in memory", name, l);
		for (unsigned k = 0; k < l; k++)
			if (c->lanes[k].core == c->lanes[l].core)
				PROBLEM("shard %s: lanes %u and %u share core %u", name, k, l,
					c->lanes[l].core);
	}
}

static void check_shard(const struct tess_system_cfg *sys, unsigned i)
{
	const struct tess_shard_cfg *c = &sys->shards[i];
	const char *name = c->name ? c->name : "?";

	if (!c->name)
		PROBLEM("shard %u has no name", i);
	if (c->id != i)
		PROBLEM("shard %s: id %u at index %u", name, c->id, i);
	if (c->core >= sys->ncores)
		PROBLEM("shard %s: core %u, system has %u", name, c->core, sys->ncores);
	if (c->on_hang > TESS_POLICY_PANIC || c->on_fault > TESS_POLICY_PANIC)
		PROBLEM("shard %s: bad policy (on_hang %u, on_fault %u)", name, c->on_hang, c->on_fault);
	if ((unsigned)c->nends + c->nirqs > TESS_MAX_SHARD_EVENTS)
		PROBLEM("shard %s: %u channel ends + %u irqs > %u events", name, c->nends, c->nirqs,
			TESS_MAX_SHARD_EVENTS);
	if (c->nmaps > TESS_MAX_SHARD_MAPS || (c->nmaps && !c->maps))
		PROBLEM("shard %s: bad map list (%u maps)", name, c->nmaps);
	if ((c->nends && !c->ends) || (c->nirqs && !c->irqs))
		PROBLEM("shard %s: missing ends or irqs array", name);
	if (!plat_pa_to_kva(c->ctrl_pa))
		PROBLEM("shard %s: control page 0x%llx not in memory", name, (unsigned long long)c->ctrl_pa);
	check_lanes(sys, c, name);
	for (unsigned e = 0; c->ends && e < c->nends; e++) {
		const struct tess_chan_end *end = &c->ends[e];
		const struct tess_chan_cfg *ch;
		bool prod = end->role == TESS_ROLE_PRODUCER;

		if (end->channel >= sys->nchannels || end->role > TESS_ROLE_CONSUMER) {
			PROBLEM("shard %s: end %u: bad channel %u or role %u", name, e, end->channel,
				end->role);
			continue;
		}
		ch = &sys->channels[end->channel];
		if ((prod ? ch->from : ch->to) != i || (prod ? ch->from_bit : ch->to_bit) != e ||
		    (prod ? ch->from_lane : ch->to_lane) != end->lane || end->lane >= c->nlanes)
			PROBLEM("shard %s: end %u does not match channel %s", name, e, ch->name);
	}
	for (unsigned q = 0; c->irqs && q < c->nirqs; q++)
		if (c->irqs[q].bit < c->nends || c->irqs[q].bit >= TESS_MAX_SHARD_EVENTS ||
		    c->irqs[q].lane >= c->nlanes)
			PROBLEM("shard %s: irq %u has bit %u, lane %u", name, c->irqs[q].irq, c->irqs[q].bit,
				c->irqs[q].lane);
}

static void check_cores(const struct tess_system_cfg *sys)
{
	unsigned seen[TESS_MAX_SHARDS] = {0};

	for (unsigned k = 0; k < sys->ncores; k++) {
		const struct tess_core_cfg *core = &sys->cores[k];

		for (unsigned j = 0; j < core->nshards; j++) {
			unsigned id = core->order[j];

			if (id >= sys->nshards || kern_lane_on(&sys->shards[id], k) < 0)
				PROBLEM("core %u: order lists shard %u which is not on it", k, id);
			else
				seen[id]++;
		}
	}
	for (unsigned i = 0; i < sys->nshards; i++)
		if (seen[i] != sys->shards[i].nlanes) /* once per lane, on its core */
			PROBLEM("shard %s: listed %u times in core orders", sys->shards[i].name, seen[i]);
}

int kern_check_tables(const struct tess_system_cfg *sys)
{
	bad = 0;
	if (sys->ncores == 0 || sys->ncores > TESS_MAX_CORES || !sys->cores)
		PROBLEM("%u cores (1..%u)", sys->ncores, TESS_MAX_CORES);
	if (sys->nshards > TESS_MAX_SHARDS || (sys->nshards && !sys->shards))
		PROBLEM("%u shards (max %u)", sys->nshards, TESS_MAX_SHARDS);
	if (sys->nchannels > TESS_MAX_CHANNELS || (sys->nchannels && !sys->channels))
		PROBLEM("%u channels (max %u)", sys->nchannels, TESS_MAX_CHANNELS);
	if (bad)
		return bad;
	for (unsigned c = 0; c < sys->nchannels; c++) {
		const struct tess_chan_cfg *ch = &sys->channels[c];

		if (ch->from >= sys->nshards || ch->to >= sys->nshards)
			PROBLEM("channel %s: shard %u -> %u out of range", ch->name, ch->from, ch->to);
		/* kern/boot.c formats the ring: it must fit, in memory. */
		if (!ring_geometry_ok(ch->slots, ch->slot_size) ||
		    ring_bytes(ch->slots, ch->slot_size) > ch->size || !plat_pa_to_kva(ch->pa))
			PROBLEM("channel %s: no ring of %u x %u bytes in %llu bytes at 0x%llx", ch->name,
				ch->slots, ch->slot_size, (unsigned long long)ch->size,
				(unsigned long long)ch->pa);
	}
	for (unsigned i = 0; i < sys->nshards; i++)
		check_shard(sys, i);
	check_cores(sys);
	return bad;
}
