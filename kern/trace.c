/* The trace rings: per core, the last TESS_TRACE_ENTRIES kernel events of
 * that core, so cores never share a cache line to trace (kern/inspect and
 * the dump merge them by time). A writer claims a slot of its core's ring
 * with one atomic increment (uncontended; atomic because the console
 * core's interrupt work may trace too); each slot carries its sequence
 * number, cleared while being written and stored last with release, so a
 * reader (seqlock style) can tell a complete entry from a stale or
 * half-written one without stopping the writers. */
#include <kern/priv.h>

struct slot {
	_Atomic uint64_t seq1; /* seq + 1 when complete, 0 while written */
	_Atomic uint64_t time, arg;
	_Atomic uint32_t core_shard;
	_Atomic uint16_t event;
};

static struct {
	struct slot ring[TESS_TRACE_ENTRIES];
	_Alignas(TESS_CACHE_LINE) _Atomic uint64_t total;
} rings[TESS_MAX_CORES];

static const char *const names[] = {"boot",    "dispatch", "yield", "notify", "irq",	"fault",   "hang",
				    "restart", "halt",	   "panic", "badsys", "reload", "rollback"};

const char *kern_trace_event_name(unsigned ev)
{
	return ev < sizeof(names) / sizeof(names[0]) ? names[ev] : "?";
}

void kern_trace_reset(void)
{
	for (unsigned c = 0; c < TESS_MAX_CORES; c++) {
		for (unsigned i = 0; i < TESS_TRACE_ENTRIES; i++)
			atomic_store(&rings[c].ring[i].seq1, 0);
		atomic_store(&rings[c].total, 0);
	}
}

void kern_trace(unsigned core, unsigned shard, unsigned event, uint64_t arg)
{
	unsigned c = core < TESS_MAX_CORES ? core : 0;
	uint64_t seq = atomic_fetch_add_explicit(&rings[c].total, 1, memory_order_relaxed);
	struct slot *e = &rings[c].ring[seq % TESS_TRACE_ENTRIES];

	atomic_store_explicit(&e->seq1, 0, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&e->time, plat_time_ns(), memory_order_relaxed);
	atomic_store_explicit(&e->arg, arg, memory_order_relaxed);
	atomic_store_explicit(&e->core_shard, (uint32_t)core << 16 | (shard & 0xffff), memory_order_relaxed);
	atomic_store_explicit(&e->event, (uint16_t)event, memory_order_relaxed);
	atomic_store_explicit(&e->seq1, seq + 1, memory_order_release);
}

uint64_t kern_trace_total(unsigned core)
{
	return core < TESS_MAX_CORES ? atomic_load(&rings[core].total) : 0;
}

int kern_trace_get(unsigned core, uint64_t seq, struct kern_trace_entry *out)
{
	const struct slot *e;
	uint32_t cs;

	if (core >= TESS_MAX_CORES)
		return -1;
	e = &rings[core].ring[seq % TESS_TRACE_ENTRIES];
	if (atomic_load_explicit(&e->seq1, memory_order_acquire) != seq + 1)
		return -1;
	out->seq = seq;
	out->time = atomic_load_explicit(&e->time, memory_order_relaxed);
	out->arg = atomic_load_explicit(&e->arg, memory_order_relaxed);
	cs = atomic_load_explicit(&e->core_shard, memory_order_relaxed);
	out->core = (uint16_t)(cs >> 16);
	out->shard = (uint16_t)cs;
	out->event = atomic_load_explicit(&e->event, memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&e->seq1, memory_order_relaxed) == seq + 1 ? 0 : -1;
}

/* The oldest sequence number core c's ring still holds. */
static uint64_t oldest(unsigned c)
{
	uint64_t end = kern_trace_total(c);

	return end > TESS_TRACE_ENTRIES ? end - TESS_TRACE_ENTRIES : 0;
}

/* Every core's ring, merged oldest first by time (ties: lower core). */
void kern_trace_dump(void)
{
	uint64_t next[TESS_MAX_CORES], end[TESS_MAX_CORES], total = 0, held = 0;
	struct kern_trace_entry e;

	for (unsigned c = 0; c < TESS_MAX_CORES; c++) {
		next[c] = oldest(c);
		end[c] = kern_trace_total(c);
		total += end[c];
		held += end[c] - next[c];
	}
	kern_log("trace: %llu events, last %llu:", (unsigned long long)total, (unsigned long long)held);
	for (;;) {
		struct kern_trace_entry best;
		int from = -1;

		for (unsigned c = 0; c < TESS_MAX_CORES; c++) {
			while (next[c] < end[c] && kern_trace_get(c, next[c], &e) != 0)
				next[c]++; /* overwritten meanwhile */
			if (next[c] < end[c] && (from < 0 || e.time < best.time)) {
				best = e;
				from = (int)c;
			}
		}
		if (from < 0)
			break;
		next[from]++;
		const struct tess_shard_cfg *sc =
			kern_sys && best.shard < kern_sys->nshards ? &kern_sys->shards[best.shard] : 0;
		kern_log("trace %6llu t=%llu core %u %-8s %-10s 0x%llx", (unsigned long long)best.seq,
			 (unsigned long long)best.time, best.core, sc ? sc->name : "?",
			 kern_trace_event_name(best.event), (unsigned long long)best.arg);
	}
}
