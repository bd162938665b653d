/* Answers to the console's read-only queries (docs/inspect.md "Wire
 * format"). One QUERY frame names what (a system, part, shard, channel,
 * core, trace chunk or crash chunk) and which one; the answer is one
 * ANSWER frame with the same seq carrying one record (or a frame waiting
 * in a packet channel: capture.c), built from the
 * kernel's counters at this moment (kern/stats.h, trace.c, crash.c).
 *
 * Read-only by construction: the only kernel functions called are
 * getters, the only memory read besides kernel state is what the plan
 * shares with the kernel anyway (ring indices and waiting flags, control
 * pages, a packet channel's descriptors and the shared packet region its
 * frames lie in) and a shard's stack map compared against its paint; no answer
 * carries the device key or a byte of a shard's private memory (crash
 * records are copied at the fault, not here). A frame that is not a
 * well-formed query is ignored: no answer, nothing changes. Runs on the
 * console core in its RX interrupt; the platform reports that time as
 * the kernel's (kern_irq_work). */
#include <kern/crash.h>
#include <kern/inspect.h>
#include <kern/kern.h>
#include <kern/lib.h>
#include <kern/stats.h>
#include <tessera/abi.h>
#include <tessera/ring.h>
#include "../reload/internal.h"
#include "records.h"

#define QUERY_LEN 13 /* what u8, id u16, offset u16, cursor u64 */
#define HDR	  4  /* what u8, status u8, id u16 */

/* ---- records ---- */

static int system_rec(struct w *w, const struct q *q)
{
	const uint8_t *bid;
	unsigned nparts = 0, nbid = plat_build_id(&bid);
	struct plat_part p;

	(void)q;
	while (nparts < 255 && plat_image_part(nparts, &p) == 0)
		nparts++;
	w_u16(w, INSPECT_VERSION);
	w_u8(w, (uint8_t)tess_system.ncores);
	w_u8(w, (uint8_t)tess_system.nshards);
	w_u8(w, (uint8_t)tess_system.nchannels);
	w_u8(w, (uint8_t)nparts);
	w_u8(w, (uint8_t)(nbid < 20 ? nbid : 20));
	w_u8(w, 0);
	w_u64(w, plat_time_ns());
	w_u64(w, tess_system.tick_ns);
	w_u32(w, TESS_TRACE_ENTRIES);
	w_bytes(w, tess_system.manifest_hash, 32);
	w_bytes(w, bid, nbid < 20 ? nbid : 20);
	w_zero(w, nbid < 20 ? 20 - nbid : 0);
	w_str(w, plat_arch_name());
	w_str(w, tess_system.name);
	return INSPECT_OK;
}

static int part_rec(struct w *w, const struct q *q)
{
	struct plat_part p;

	if (plat_image_part(q->id, &p) != 0)
		return INSPECT_NO_ITEM;
	w_u32(w, p.kind);
	w_u64(w, p.size);
	w_u64(w, p.version);
	w_bytes(w, p.sha256, 32);
	w_strn(w, p.name, sizeof p.name);
	return INSPECT_OK;
}

static int shard_rec(struct w *w, const struct q *q)
{
	struct kern_shard_stats st;
	const struct tess_shard_cfg *c;
	int64_t used;
	uint64_t va = 0, len = 0;

	if (q->id >= tess_system.nshards || kern_stats_get(q->id, &st) != 0)
		return INSPECT_NO_ITEM;
	c = &tess_system.shards[q->id];
	used = kern_stack_used(c);
	if (used >= 0)
		plat_shard_stack(c, &va, &len);
	w_u16(w, c->core);
	w_u8(w, (uint8_t)st.state);
	w_u8(w, (uint8_t)st.last_reason);
	w_u8(w, (uint8_t)st.last_kind);
	w_zero(w, 3);
	w_u64(w, st.version);
	w_u64(w, st.dispatches);
	w_u64(w, st.yields);
	w_u64(w, st.notify_sent);
	w_u64(w, st.notify_recv);
	w_u64(w, st.irqs);
	w_u64(w, st.syscalls);
	w_u64(w, st.bad_syscalls);
	w_u64(w, st.faults);
	w_u64(w, st.hangs);
	w_u64(w, st.restarts);
	w_u64(w, st.run_ns);
	w_u64(w, st.last_code);
	w_u64(w, st.last_addr);
	w_u64(w, st.last_pc);
	w_u64(w, st.last_hang_ns);
	w_u64(w, st.last_at);
	w_u32(w, (uint32_t)len);
	w_u32(w, used >= 0 ? (uint32_t)used : 0xffffffffu);
	w_str(w, c->name);
	return INSPECT_OK;
}

static int channel_rec(struct w *w, const struct q *q)
{
	const struct tess_chan_cfg *ch;
	const struct tess_ring_shm *r;
	const struct tess_ctrl *ctrl;
	struct kern_chan_stats st;
	uint32_t head = 0, tail = 0, flags = 0, hwm = 0;

	if (q->id >= tess_system.nchannels || kern_chan_stats_get(q->id, &st) != 0)
		return INSPECT_NO_ITEM;
	ch = &tess_system.channels[q->id];
	/* Figures the ends wrote, not facts (docs/design.md "Channel memory"):
	 * reported as read, never used for anything. */
	r = plat_pa_to_kva(ch->pa);
	if (r) {
		head = atomic_load_explicit(&r->head, memory_order_relaxed);
		tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
		flags = (atomic_load_explicit(&r->producer_waiting, memory_order_relaxed) ? 1u : 0u) |
			(atomic_load_explicit(&r->consumer_waiting, memory_order_relaxed) ? 2u : 0u);
	}
	ctrl = plat_pa_to_kva(tess_system.shards[ch->to].ctrl_pa);
	if (ctrl && ch->to_bit < TESS_MAX_SHARD_EVENTS)
		hwm = atomic_load_explicit(&ctrl->chan_hwm[ch->to_bit], memory_order_relaxed);
	w_u16(w, ch->from);
	w_u16(w, ch->to);
	w_u32(w, ch->slots);
	w_u32(w, ch->slot_size);
	w_u32(w, head);
	w_u32(w, tail);
	w_u32(w, hwm);
	w_u32(w, flags);
	w_u64(w, st.notifies_producer);
	w_u64(w, st.notifies_consumer);
	w_u64(w, st.stops_producer);
	w_u64(w, st.stops_consumer);
	w_u64(w, st.formats);
	w_str(w, ch->name);
	return INSPECT_OK;
}

static int core_rec(struct w *w, const struct q *q)
{
	struct kern_core_stats st;

	if (q->id >= tess_system.ncores || kern_core_stats_get(q->id, &st) != 0)
		return INSPECT_NO_ITEM;
	w_u16(w, st.current < 0 ? 0xffffu : (uint16_t)st.current);
	w_u16(w, tess_system.cores[q->id].nshards);
	w_u32(w, 0);
	w_u64(w, st.busy_ns);
	w_u64(w, st.idle_ns);
	w_u64(w, st.ticks);
	w_u64(w, st.ipis);
	return INSPECT_OK;
}

/* Core id's events from seq `cursor` on (or its oldest still held), as
 * many as fit: total u64 (events the core recorded), first u64 (seq of
 * the first entry here), count u8, then per entry time u64, arg u64,
 * shard u16, event u16. Stops at an entry being written. */
static int trace_rec(struct w *w, const struct q *q)
{
	struct kern_trace_entry e;
	uint64_t total, seq;
	uint8_t *count;

	if (q->id >= tess_system.ncores)
		return INSPECT_NO_ITEM;
	total = kern_trace_total(q->id);
	seq = total > TESS_TRACE_ENTRIES && q->cursor < total - TESS_TRACE_ENTRIES
		      ? total - TESS_TRACE_ENTRIES
		      : q->cursor;
	w_u64(w, total);
	w_u64(w, seq);
	count = w->p + w->n;
	w_u8(w, 0);
	while (seq < total && w_room(w) >= 20 && kern_trace_get(q->id, seq, &e) == 0) {
		w_u64(w, e.time);
		w_u64(w, e.arg);
		w_u16(w, e.shard);
		w_u16(w, e.event);
		seq++;
		(*count)++;
	}
	return INSPECT_OK;
}

/* The crash record serialised (docs/inspect.md), from byte `off`: count
 * u32 and total length u16 first in every chunk, so the host can tell a
 * record that changed between chunks. */
static int crash_rec(struct w *w, const struct q *q)
{
	static struct kern_crash c;
	static uint8_t buf[INSPECT_CRASH_MAX];
	struct w rec = {buf, 0, sizeof buf};
	size_t n;

	if (q->id >= tess_system.nshards)
		return INSPECT_NO_ITEM;
	if (kern_crash_get(q->id, &c) != 0)
		return INSPECT_BUSY;
	if (c.count == 0)
		return INSPECT_EMPTY;
	w_u32(&rec, c.kind);
	w_u8(&rec, (uint8_t)c.nregs);
	w_u8(&rec, (uint8_t)c.nframes);
	w_u16(&rec, (uint16_t)c.stack_len);
	w_u64(&rec, c.code);
	w_u64(&rec, c.addr);
	w_u64(&rec, c.pc);
	w_u64(&rec, c.sp);
	w_u64(&rec, c.fp);
	w_u64(&rec, c.at);
	w_u64(&rec, c.version);
	w_u64(&rec, c.base);
	w_u64(&rec, c.stack_va);
	for (unsigned i = 0; i < c.nregs; i++)
		w_u64(&rec, c.regs[i]);
	for (unsigned i = 0; i < c.nframes; i++)
		w_u64(&rec, c.frames[i]);
	w_bytes(&rec, c.stack, c.stack_len);
	if (q->off > rec.n)
		return INSPECT_NO_ITEM;
	w_u32(w, c.count);
	w_u16(w, (uint16_t)rec.n);
	n = rec.n - q->off < w_room(w) ? rec.n - q->off : w_room(w);
	w_bytes(w, buf + q->off, n);
	return INSPECT_OK;
}

static int (*const records[])(struct w *, const struct q *) = {
	[INSPECT_SYSTEM] = system_rec, [INSPECT_PART] = part_rec,
	[INSPECT_SHARD] = shard_rec,   [INSPECT_CHANNEL] = channel_rec,
	[INSPECT_CORE] = core_rec,     [INSPECT_TRACE] = trace_rec,
	[INSPECT_CRASH] = crash_rec,   [INSPECT_CAPTURE] = inspect_capture_rec,
};

void inspect_query(uint32_t seq, const uint8_t *payload, size_t len)
{
	uint8_t out[FRAME_MAX_PAYLOAD];
	struct w w = {out, HDR, sizeof out};
	struct q q;
	int status;

	if (len != QUERY_LEN)
		return;
	q.what = payload[0];
	q.id = (uint16_t)(payload[1] | payload[2] << 8);
	q.off = (uint16_t)(payload[3] | payload[4] << 8);
	q.cursor = reload_le64(payload + 5);
	if (q.what >= sizeof records / sizeof records[0] || !records[q.what])
		return;
	status = records[q.what](&w, &q);
	if (status != INSPECT_OK)
		w.n = HDR;
	out[0] = q.what;
	out[1] = (uint8_t)status;
	out[2] = (uint8_t)q.id;
	out[3] = (uint8_t)(q.id >> 8);
	reload_frame_send(INSPECT_ANSWER, seq, out, w.n);
}
