/* Hot reload, the swap (docs/reload.md, "Swap"). On the console core,
 * reload_swap_request takes a verified package: it refuses a version that
 * is not newer than the running one or than the shard's anti-rollback
 * floor (replayed old packages, also across reboots: kern/rollback.c,
 * docs/reload.md "Replay and rollback"), lets the platform prepare the new
 * image (plat_shard_prepare: the expensive part of the install, while the
 * shard's core keeps running its shards; a failure leaves the running
 * version alone) and posts the request. The shard's own core carries it
 * out at the top of a scheduling step, i.e. between two entries of its
 * shards: the old version has yielded (or faulted, or never ran) and is
 * never stopped mid-entry, and the core's other shards wait at most for
 * the entry in progress plus the install.
 *
 * Install: stop the old version, put the new image in place (the staging
 * buffer stays valid until the outcome is taken), start it with
 * TESS_START_RELOAD and the new version id. Channels, persistent memory and
 * the control page are not touched, so queued messages wait in their rings
 * for the new version. Trial: if the new version faults or hangs before it
 * has yielded once and one watchdog period (one tick if the watchdog is
 * off) has passed, the previous image (plat_shard_load still loads it) is
 * started again; otherwise the new image is committed.
 *
 * Every request ends in exactly one outcome (accepted, or refused with a
 * reason: at the request, or rolled back after the install), which the
 * console core takes with reload_swap_outcome (the protocol's
 * reload_poll); the machinery is idle again from then on.
 *
 * A multi-core shard (docs/design.md "Lanes") swaps all its lanes at one
 * barrier: the first of its cores to see the request stops every lane at
 * its next yield (kern/lane.c, never mid-entry), and the core of the last
 * lane to stop installs, starting every lane of the new version; a fault or
 * hang of any lane on trial stops them all again and the last one rolls
 * back.
 *
 * Ordering: `state` hands the request to the shard's core (release/acquire)
 * and the outcome back; in between only the shard's core touches `sw` (a
 * multi-core shard's: the core that installs, then lane 0's). */
#include <kern/lib.h>
#include <kern/priv.h>
#include <kern/reload.h>
#include "internal.h"

enum { SW_IDLE = 0, SW_CLAIMED, SW_REQUESTED, SW_GATHERING, SW_TRIAL, SW_DONE };

static struct {
	_Atomic int state;
	struct kern_shard *s;
	const void *payload;
	size_t len;
	uint32_t exec_pages; /* reload_exec_pages */
	uint64_t version, old_version, installed_at;
	uint32_t yields; /* of the new version since it was installed */
	int accepted;
	char reason[REASON_MAX];
	char why[32]; /* a multi-core shard's failed trial, for the roll back */
} sw;

void reload_swap_reset(void)
{
	atomic_store(&sw.state, SW_IDLE);
	sw.s = 0;
}

uint32_t reload_exec_pages(void)
{
	return sw.exec_pages;
}

/* The outcome is ready for the console core. */
static void finish(int accepted)
{
	sw.accepted = accepted;
	atomic_store_explicit(&sw.state, SW_DONE, memory_order_release);
}

int reload_swap_request(const struct tess_shard_cfg *cfg, const void *payload, size_t len, uint64_t version,
			uint32_t exec_pages)
{
	struct kern_shard *s = kern_shard_by_id(cfg->id);
	int idle = SW_IDLE;

	if (!atomic_compare_exchange_strong_explicit(&sw.state, &idle, SW_CLAIMED, memory_order_acquire,
						     memory_order_acquire))
		return -1;
	sw.s = s;
	sw.payload = payload;
	sw.len = len;
	sw.exec_pages = exec_pages;
	sw.version = version;
	sw.reason[0] = 0;
	if (!s) {
		tess_snprintf(sw.reason, sizeof(sw.reason),
			      "swap failed: no such shard in the running system");
	} else if (version <= s->version) {
		tess_snprintf(sw.reason, sizeof(sw.reason),
			      "version %llu is not newer than the running version %llu",
			      (unsigned long long)version, (unsigned long long)s->version);
	} else if (version <= s->floor) {
		tess_snprintf(sw.reason, sizeof(sw.reason),
			      "version %llu is not newer than version %llu, accepted before (anti-rollback)",
			      (unsigned long long)version, (unsigned long long)s->floor);
	} else if (plat_shard_prepare(cfg, payload, len) != 0) {
		kern_log("reload: shard %s: version %llu: prepare failed, version %llu keeps running",
			 cfg->name, (unsigned long long)version, (unsigned long long)s->version);
		tess_snprintf(sw.reason, sizeof(sw.reason), "prepare failed");
	}
	if (sw.reason[0]) { /* refused, nothing changed: the outcome is ready */
		finish(0);
		return 0;
	}
	atomic_store_explicit(&sw.state, SW_REQUESTED, memory_order_release);
	for (unsigned l = 0; l < cfg->nlanes; l++)
		plat_ipi(cfg->lanes[l].core); /* an idle core looks again */
	return 0;
}

/* The rings kept their messages, but the notification that announced them
 * may have been consumed by the old version or cleared by the start: mark
 * every channel end pending (a spurious notification is harmless by the
 * runtime's contract), so the new version looks at each ring after init. */
static void rearm(struct kern_shard *s, const tess_set_t *keep)
{
	for (unsigned l = 0; l < s->cfg->nlanes; l++) {
		tess_set_t ends = 0;

		for (unsigned i = 0; i < s->cfg->nends && i < 64; i++)
			if (s->cfg->ends[i].lane == l)
				ends |= (tess_set_t)1 << i;
		atomic_fetch_or(&kern_lane(s, l)->pending, keep[l] | ends);
	}
}

/* Every lane's pending set, which the start clears. */
static void keep_pending(struct kern_shard *s, tess_set_t *keep)
{
	for (unsigned l = 0; l < s->cfg->nlanes; l++)
		keep[l] = atomic_load(&kern_lane(s, l)->pending);
}

static void roll_back(unsigned core, const char *why)
{
	struct kern_shard *s = sw.s;
	const struct tess_shard_cfg *c = s->cfg;
	tess_set_t keep[TESS_MAX_LANES];

	keep_pending(s, keep);

	plat_shard_stop(c);
	s->version = sw.old_version;
	s->reload_stopped_at = 0;
	tess_snprintf(sw.reason, sizeof(sw.reason), "rolled back (%s)", why);
	kern_trace(core, c->id, KT_ROLLBACK, s->version);
	if (kern_shard_start(s, TESS_START_RESTART) != 0) {
		kern_set_state(s, KS_HALTED);
		kern_log("reload: shard %s: version %llu: %s; version %llu does not load either: halted",
			 c->name, (unsigned long long)sw.version, why, (unsigned long long)s->version);
	} else {
		rearm(s, keep);
		kern_log("reload: shard %s: version %llu: %s, rolled back to version %llu", c->name,
			 (unsigned long long)sw.version, why, (unsigned long long)s->version);
	}
	finish(0);
}

static void install(unsigned core)
{
	struct kern_shard *s = sw.s;
	const struct tess_shard_cfg *c = s->cfg;
	tess_set_t keep[TESS_MAX_LANES];

	keep_pending(s, keep);

	sw.old_version = s->version;
	sw.yields = 0;
	plat_shard_stop(c);
	s->reload_stopped_at = plat_time_ns();
	s->reload_yields = 0;
	s->version = sw.version;
	if (kern_shard_start_image(s, TESS_START_RELOAD, sw.payload, sw.len) != 0) {
		roll_back(core, "install failed");
		return;
	}
	rearm(s, keep);
	sw.installed_at = plat_time_ns();
	kern_trace(core, c->id, KT_RELOAD, sw.version);
	kern_log("reload: shard %s: version %llu stopped at a yield, version %llu installed", c->name,
		 (unsigned long long)sw.old_version, (unsigned long long)sw.version);
	atomic_store_explicit(&sw.state, SW_TRIAL, memory_order_release);
}

static void accept(unsigned core)
{
	const struct tess_shard_cfg *c = sw.s->cfg;

	/* Without the commit a later restart would load the old image. */
	if (plat_shard_commit(c, sw.payload, sw.len) != 0) {
		roll_back(core, "commit failed");
		return;
	}
	kern_rollback_accepted(sw.s, sw.version);
	kern_log("reload: shard %s: version %llu running", c->name, (unsigned long long)sw.version);
	finish(1);
}

void reload_swap_install(unsigned core)
{
	install(core);
}

void reload_swap_roll_back(unsigned core)
{
	roll_back(core, sw.why);
}

/* A multi-core shard: the first of its cores to see the request gathers
 * every lane; the last lane to stop installs (reload_swap_install). A
 * shard stopping for a fault meanwhile is restarted first, then gathered. */
static void gather(unsigned core)
{
	int req = SW_REQUESTED;

	if (kern_lane_on(sw.s->cfg, core) < 0 ||
	    !atomic_compare_exchange_strong_explicit(&sw.state, &req, SW_GATHERING, memory_order_acquire,
						     memory_order_relaxed))
		return;
	if (!kern_lanes_gather(core, sw.s, KERN_STOP_RELOAD))
		atomic_store_explicit(&sw.state, SW_REQUESTED, memory_order_release);
}

void reload_swap_step(unsigned core)
{
	int st = atomic_load_explicit(&sw.state, memory_order_acquire);
	const struct tess_shard_cfg *c;
	uint64_t trial;

	if (st == SW_REQUESTED && sw.s->cfg->nlanes > 1) {
		gather(core);
		return;
	}
	if ((st != SW_REQUESTED && st != SW_TRIAL) || sw.s->cfg->core != core)
		return;
	if (st == SW_REQUESTED) {
		install(core);
		return;
	}
	c = sw.s->cfg;
	trial = c->watchdog_ns ? c->watchdog_ns : kern_sys->tick_ns;
	if (sw.yields > 0 && plat_time_ns() - sw.installed_at >= trial)
		accept(core);
}

/* Downtime, logged once: from the stop of the old version to the end of
 * the new version's first entry after init (its second yield). */
void reload_swap_yield(unsigned core, struct kern_shard *s)
{
	(void)core;
	if (s->reload_stopped_at && ++s->reload_yields == 2) {
		uint64_t down = plat_time_ns() - s->reload_stopped_at;

		s->reload_stopped_at = 0;
		kern_log("reload: shard %s: downtime %llu ns (old version stopped to first entry after init "
			 "done)",
			 s->cfg->name, (unsigned long long)down);
	}
	/* Other cores read sw.s only after an acquire of TRIAL, which the
	 * shard's core stored (release) after it acquired the request. */
	if (atomic_load_explicit(&sw.state, memory_order_acquire) == SW_TRIAL && sw.s == s)
		sw.yields++;
}

bool reload_swap_failed(unsigned core, struct kern_shard *s)
{
	char why[32];
	unsigned r;

	if (atomic_load_explicit(&sw.state, memory_order_acquire) != SW_TRIAL || sw.s != s->lead)
		return false;
	r = atomic_load_explicit(&s->lead->last.reason, memory_order_relaxed);
	tess_snprintf(why, sizeof(why), "%s %s", r == KR_HANG ? "hang" : "fault",
		      sw.yields ? "after init" : "in init");
	if (s->cfg->nlanes == 1) {
		roll_back(core, why);
		return true;
	}
	/* Every lane stops first; the last one rolls back. The first failure
	 * names it (a stop already under way keeps its reason). */
	if (!atomic_load(&s->lead->stopping))
		memcpy(sw.why, why, sizeof(sw.why));
	kern_lanes_stop(core, s, KERN_STOP_ROLLBACK);
	return true;
}

bool reload_swap_outcome(int *accepted, uint64_t *version, const char **reason)
{
	if (atomic_load_explicit(&sw.state, memory_order_acquire) != SW_DONE)
		return false;
	*accepted = sw.accepted;
	*version = sw.accepted ? sw.version : 0;
	*reason = sw.reason;
	atomic_store_explicit(&sw.state, SW_IDLE, memory_order_release);
	return true;
}

/* kern_lease_grant: a posted request (the core installs at its next step),
 * a trial of s (its yields are counted) or a downtime still measured (at
 * s's yields) need the kernel at every yield. */
bool reload_swap_quiet(unsigned core, const struct kern_shard *s)
{
	int st = atomic_load_explicit(&sw.state, memory_order_acquire);

	if (s->reload_stopped_at)
		return false;
	/* A swap concerns every core a lane of its shard runs on. */
	return (st != SW_REQUESTED && st != SW_TRIAL) ||
	       (sw.s->cfg->core != core && kern_lane_on(sw.s->cfg, core) < 0);
}
