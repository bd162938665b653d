/* What a hot reload costs the other shards of the swapped shard's core
 * (bench/sim_reload.py, bench/README.md): every shard's recent entries
 * (first turn after a YIELD to its next YIELD) and the gaps between them,
 * and per swap, for each neighbour, the gap across the install and the
 * longest gap until the new version has finished its first entry after
 * init (its second yield, where kern/ logs the downtime), next to the
 * neighbour's entries and gaps just before the swap. Printed at the end
 * of the run (sim_probe_report). Measuring costs the cores two clock reads
 * per entry, a few stores at the install, and copying the neighbour's
 * baseline once the measurement ends (at its next turn, counted in that
 * entry, not in a gap). Each core thread writes its own shards' logs and
 * its swaps' records (one swap at a time: kern/reload/swap.c); the report
 * runs once every core is parked.
 *
 * The simulator's probe (sim/include/sim/probe.h), compiled into every
 * tessera-sim (sim/CMakeLists.txt): tests/reload/test_sim_reload.py checks
 * its lines too. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sim/probe.h>

#define RING	 256u  /* entries of the baseline before a swap */
#define LOG	 1024u /* entries a shard's log keeps */
#define MAX_RECS 64u

struct entry_log {
	uint64_t start, last_end; /* last_end 0: no gap to measure */
	uint64_t busy_at_end;	  /* its core's busy_ns at last_end */
	bool in_entry;
	unsigned n; /* entries so far; entry i is at i % LOG */
	uint32_t len[LOG];
	uint32_t gap[LOG];  /* before entry i (none before entry 0) */
	uint32_t kgap[LOG]; /* that gap less the other shards' entries in it */
};

struct stall_rec {
	unsigned shard, neighbour, core;
	bool open; /* still measuring */
	uint64_t install_ns, across_ns, longest_ns;
	uint64_t across_busy_ns; /* of across_ns, the other shards' entries */
	unsigned gaps;		 /* measured since the install */
	unsigned n0;		 /* the neighbour's entries before the install */
	unsigned k, gk;		 /* baseline: its last k entries, gk gaps (a copy) */
	uint32_t len[RING], gap[RING], kgap[RING];
};

static struct entry_log logs[TESS_MAX_SHARDS];
static struct stall_rec recs[MAX_RECS];
static _Atomic unsigned nrecs;
/* Per core: time spent in entries of its shards (gap - this = kernel). */
static uint64_t busy_ns[TESS_MAX_CORES];
static struct {
	bool active, closing; /* closing: the swapped shard's new version has done its first entry */
	unsigned shard, yields, first, count;
} watch[TESS_MAX_CORES];

static uint32_t clamp(uint64_t ns)
{
	return ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

/* The neighbour's last RING entries before the install, if its log still
 * holds them. */
static void baseline(struct stall_rec *r, const struct entry_log *l)
{
	unsigned lo = r->n0 > RING ? r->n0 - RING : 0;

	r->k = r->gk = 0;
	if (l->n - r->n0 >= LOG - RING)
		return;
	for (unsigned i = lo; i < r->n0; i++) {
		r->len[r->k++] = l->len[i % LOG];
		if (i > 0) {
			r->gap[r->gk] = l->gap[i % LOG];
			r->kgap[r->gk++] = l->kgap[i % LOG];
		}
	}
}

void sim_probe_entry(const struct tess_shard_cfg *cfg, uint64_t now)
{
	struct entry_log *l = &logs[cfg->id];
	unsigned core = cfg->core;

	if (l->in_entry)
		return;
	l->in_entry = true;
	l->start = now;
	if (!l->last_end)
		return;
	l->gap[l->n % LOG] = clamp(now - l->last_end);
	l->kgap[l->n % LOG] = clamp(now - l->last_end - (busy_ns[core] - l->busy_at_end));
	if (!watch[core].active)
		return;
	for (unsigned i = watch[core].first; i < watch[core].first + watch[core].count; i++) {
		struct stall_rec *r = &recs[i];

		if (r->neighbour != cfg->id || !r->open)
			continue;
		if (!r->gaps++) {
			r->across_ns = now - l->last_end;
			r->across_busy_ns = busy_ns[core] - l->busy_at_end;
		}
		if (now - l->last_end > r->longest_ns)
			r->longest_ns = now - l->last_end;
		if (watch[core].closing) {
			r->open = false;
			baseline(r, l);
		}
	}
}

void sim_probe_yield(const struct tess_shard_cfg *cfg, uint64_t now)
{
	struct entry_log *l = &logs[cfg->id];
	unsigned core = cfg->core;

	if (!l->in_entry)
		return;
	l->in_entry = false;
	l->len[l->n % LOG] = clamp(now - l->start);
	l->n++;
	l->last_end = now;
	busy_ns[core] += now - l->start;
	l->busy_at_end = busy_ns[core];
	if (watch[core].active && watch[core].shard == cfg->id && ++watch[core].yields == 2)
		watch[core].closing = true;
}

/* On the core, between two entries: a few stores, or it would add to what
 * it measures (the records' pages were touched at start, sim_probe_init). */
void sim_probe_install(const struct tess_shard_cfg *cfg, uint64_t install_ns)
{
	const struct tess_core_cfg *cc = &tess_system.cores[cfg->core];
	unsigned core = cfg->core, first = atomic_load(&nrecs), count = 0;
	struct entry_log *own = &logs[cfg->id];

	own->in_entry = false; /* a new process */
	own->last_end = 0;
	for (unsigned i = 0; i < cc->nshards; i++) {
		unsigned id = cc->order[i], k = atomic_load(&nrecs);
		struct stall_rec *r = &recs[k < MAX_RECS ? k : 0];

		if (id == cfg->id || k >= MAX_RECS)
			continue;
		atomic_store(&nrecs, k + 1);
		r->shard = cfg->id;
		r->neighbour = id;
		r->core = core;
		r->open = true;
		r->install_ns = install_ns;
		r->across_ns = r->across_busy_ns = r->longest_ns = 0;
		r->gaps = 0;
		r->n0 = logs[id].n;
		count++;
	}
	watch[core].active = count > 0;
	watch[core].closing = false;
	watch[core].shard = cfg->id;
	watch[core].yields = 0;
	watch[core].first = first;
	watch[core].count = count;
}

void sim_probe_init(void)
{
	memset(recs, 0, sizeof recs); /* fault the pages in now */
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Median and maximum of the first n values of v (sorted in place), in us. */
static void med_max(uint32_t *v, unsigned n, double *med, double *max)
{
	*med = *max = 0;
	if (!n)
		return;
	qsort(v, n, sizeof *v, cmp_u32);
	*med = v[n / 2] / 1e3;
	*max = v[n - 1] / 1e3;
}

static const char *name(unsigned id)
{
	for (unsigned i = 0; i < tess_system.nshards; i++)
		if (tess_system.shards[i].id == id)
			return tess_system.shards[i].name;
	return "?";
}

void sim_probe_report(void)
{
	unsigned n = atomic_load(&nrecs);

	for (unsigned i = 0; i < n && i < MAX_RECS; i++) {
		struct stall_rec *r = &recs[i];
		double lmed, lmax, gmed, gmax, kmed, kmax;

		if (r->open) /* the run ended first */
			baseline(r, &logs[r->neighbour]);
		med_max(r->len, r->k, &lmed, &lmax);
		med_max(r->gap, r->gk, &gmed, &gmax);
		med_max(r->kgap, r->gk, &kmed, &kmax);
		printf("sim| swap of %s (core %u, install %.1f us): %s waited %.1f us across it (%.1f us of "
		       "it in other shards' entries), at most %.1f us until the new version's first entry "
		       "after init; its last %u entries before: median %.1f us, max %.1f us, gaps median "
		       "%.1f "
		       "us, max %.1f us, gaps less other shards' entries median %.1f us\n",
		       name(r->shard), r->core, r->install_ns / 1e3, name(r->neighbour), r->across_ns / 1e3,
		       r->across_busy_ns / 1e3, r->longest_ns / 1e3, r->k, lmed, lmax, gmed, gmax, kmed);
	}
}
