/* The trace ring: the last TESS_TRACE_ENTRIES kernel events of all cores.
 * Writers claim a slot with one atomic increment (lock-free); each slot
 * carries its sequence number, cleared while being written and stored last
 * with release, so a reader (seqlock style) can tell a complete entry from
 * a stale or half-written one without stopping the writers. */
#include <kern/priv.h>

struct slot {
	_Atomic uint64_t seq1; /* seq + 1 when complete, 0 while written */
	_Atomic uint64_t time, arg;
	_Atomic uint32_t core_shard;
	_Atomic uint16_t event;
};

static struct slot ring[TESS_TRACE_ENTRIES];
static _Atomic uint64_t total;

static const char *const names[] = {"boot",    "dispatch", "yield", "notify", "irq",	"fault",   "hang",
				    "restart", "halt",	   "panic", "badsys", "reload", "rollback"};

const char *kern_trace_event_name(unsigned ev)
{
	return ev < sizeof(names) / sizeof(names[0]) ? names[ev] : "?";
}

void kern_trace_reset(void)
{
	for (unsigned i = 0; i < TESS_TRACE_ENTRIES; i++)
		atomic_store(&ring[i].seq1, 0);
	atomic_store(&total, 0);
}

void kern_trace(unsigned core, unsigned shard, unsigned event, uint64_t arg)
{
	uint64_t seq = atomic_fetch_add_explicit(&total, 1, memory_order_relaxed);
	struct slot *e = &ring[seq % TESS_TRACE_ENTRIES];

	atomic_store_explicit(&e->seq1, 0, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&e->time, plat_time_ns(), memory_order_relaxed);
	atomic_store_explicit(&e->arg, arg, memory_order_relaxed);
	atomic_store_explicit(&e->core_shard, (uint32_t)core << 16 | (shard & 0xffff), memory_order_relaxed);
	atomic_store_explicit(&e->event, (uint16_t)event, memory_order_relaxed);
	atomic_store_explicit(&e->seq1, seq + 1, memory_order_release);
}

uint64_t kern_trace_total(void)
{
	return atomic_load(&total);
}

int kern_trace_get(uint64_t seq, struct kern_trace_entry *out)
{
	const struct slot *e = &ring[seq % TESS_TRACE_ENTRIES];
	uint32_t cs;

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

void kern_trace_dump(void)
{
	uint64_t end = kern_trace_total();
	uint64_t seq = end > TESS_TRACE_ENTRIES ? end - TESS_TRACE_ENTRIES : 0;
	struct kern_trace_entry e;

	kern_log("trace: %llu events, last %llu:", (unsigned long long)end, (unsigned long long)(end - seq));
	for (; seq < end; seq++) {
		const struct tess_shard_cfg *c;

		if (kern_trace_get(seq, &e) != 0)
			continue;
		c = kern_sys && e.shard < kern_sys->nshards ? &kern_sys->shards[e.shard] : 0;
		kern_log("trace %6llu t=%llu core %u %-8s %-10s 0x%llx", (unsigned long long)e.seq,
			 (unsigned long long)e.time, e.core, c ? c->name : "?",
			 kern_trace_event_name(e.event), (unsigned long long)e.arg);
	}
}
