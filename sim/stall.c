/* What a hot reload costs the other shards of the swapped shard's core
 * (bench/sim_reload.py, bench/README.md): every shard's recent entries
 * (first turn after a YIELD to its next YIELD) and the gaps between them,
 * and per swap, for each neighbour, the gap across the install and the
 * longest gap until the new version has finished its first entry after
 * init (its second yield, where kern/ logs the downtime), next to the
 * neighbour's entries and gaps just before the swap. Printed at the end
 * of the run (sim_stall_report), so measuring costs the cores nothing but
 * two clock reads per entry. Each core thread writes its own shards' logs
 * and its swaps' records; the report runs once every core is parked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"

#define RING	 256u
#define MAX_RECS 64u

struct entry_log {
	uint64_t start, last_end; /* last_end 0: no gap to measure */
	uint64_t busy_at_end;	  /* its core's busy_ns at last_end */
	bool in_entry;
	unsigned n; /* entries logged; the rings keep the last RING */
	uint32_t len[RING], gap[RING];
	uint32_t kgap[RING]; /* gap minus the other shards' entries in it */
};

struct stall_rec {
	unsigned shard, neighbour, core;
	bool open; /* still measuring */
	uint64_t install_ns, across_ns, longest_ns;
	uint64_t across_busy_ns;       /* of across_ns, the other shards' entries */
	unsigned gaps;		       /* measured since the install */
	unsigned n;		       /* the neighbour's log before the swap: */
	uint32_t len[RING], gap[RING]; /* (a copy) */
	uint32_t kgap[RING];
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

void sim_stall_entry_start(struct sim_shard *sh, uint64_t now)
{
	struct entry_log *l = &logs[sh->cfg->id];
	unsigned core = sh->cfg->core;

	if (l->in_entry)
		return;
	l->in_entry = true;
	l->start = now;
	if (!l->last_end)
		return;
	l->gap[l->n % RING] = clamp(now - l->last_end);
	l->kgap[l->n % RING] = clamp(now - l->last_end - (busy_ns[core] - l->busy_at_end));
	if (!watch[core].active)
		return;
	for (unsigned i = watch[core].first; i < watch[core].first + watch[core].count; i++) {
		struct stall_rec *r = &recs[i];

		if (r->neighbour != sh->cfg->id || !r->open)
			continue;
		if (!r->gaps++) {
			r->across_ns = now - l->last_end;
			r->across_busy_ns = busy_ns[core] - l->busy_at_end;
		}
		if (now - l->last_end > r->longest_ns)
			r->longest_ns = now - l->last_end;
		r->open = !watch[core].closing;
	}
}

void sim_stall_yield(struct sim_shard *sh, uint64_t now)
{
	struct entry_log *l = &logs[sh->cfg->id];
	unsigned core = sh->cfg->core;

	if (!l->in_entry)
		return;
	l->in_entry = false;
	l->len[l->n % RING] = clamp(now - l->start);
	l->n++;
	l->last_end = now;
	busy_ns[core] += now - l->start;
	l->busy_at_end = busy_ns[core];
	if (watch[core].active && watch[core].shard == sh->cfg->id && ++watch[core].yields == 2)
		watch[core].closing = true;
}

void sim_stall_install(struct sim_shard *sh, uint64_t install_ns)
{
	const struct tess_core_cfg *cc = &tess_system.cores[sh->cfg->core];
	unsigned core = sh->cfg->core, first = atomic_load(&nrecs), count = 0;

	logs[sh->cfg->id] = (struct entry_log){0}; /* a new process */
	for (unsigned i = 0; i < cc->nshards; i++) {
		unsigned id = cc->order[i];
		unsigned k = atomic_fetch_add(&nrecs, 1);
		struct stall_rec *r = &recs[k < MAX_RECS ? k : 0];

		if (id == sh->cfg->id || k >= MAX_RECS) {
			atomic_fetch_sub(&nrecs, 1);
			continue;
		}
		*r = (struct stall_rec){.shard = sh->cfg->id,
					.neighbour = id,
					.core = core,
					.open = true,
					.install_ns = install_ns,
					.n = logs[id].n};
		memcpy(r->len, logs[id].len, sizeof r->len);
		memcpy(r->gap, logs[id].gap, sizeof r->gap);
		memcpy(r->kgap, logs[id].kgap, sizeof r->kgap);
		count++;
	}
	watch[core].active = count > 0;
	watch[core].closing = false;
	watch[core].shard = sh->cfg->id;
	watch[core].yields = 0;
	watch[core].first = first;
	watch[core].count = count;
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

/* gap[i % RING] came before entry i: entry 0 had none. */
static void gaps(uint32_t *v, unsigned n, double *med, double *max)
{
	if (n <= RING)
		med_max(v + 1, n ? n - 1 : 0, med, max);
	else
		med_max(v, RING, med, max);
}

void sim_stall_report(void)
{
	unsigned n = atomic_load(&nrecs);

	for (unsigned i = 0; i < n && i < MAX_RECS; i++) {
		struct stall_rec *r = &recs[i];
		unsigned k = r->n < RING ? r->n : RING;
		double lmed, lmax, gmed, gmax, kmed, kmax;

		med_max(r->len, k, &lmed, &lmax);
		gaps(r->gap, r->n, &gmed, &gmax);
		gaps(r->kgap, r->n, &kmed, &kmax);
		printf("sim| swap of %s (core %u, install %.1f us): %s waited %.1f us across it (%.1f us of "
		       "it in other shards' entries), at most %.1f us until the new version's first entry "
		       "after init; its last %u entries before: median %.1f us, max %.1f us, gaps median "
		       "%.1f "
		       "us, max %.1f us, gaps less other shards' entries median %.1f us\n",
		       name(r->shard), r->core, r->install_ns / 1e3, name(r->neighbour), r->across_ns / 1e3,
		       r->across_busy_ns / 1e3, r->longest_ns / 1e3, k, lmed, lmax, gmed, gmax, kmed);
	}
}
