/* channel.h over ring.h: one private end per entry of tess_self.ends, plus
 * the runtime's half of the ring sleep protocol (rt_chan_flush after an
 * entry, rt_chan_arm before a wait) and of a stopped ring (see recover;
 * ring.h "Trust", kern/chan.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/channel.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "rt.h"

struct tess_chan {
	union {
		struct tess_ring_prod prod;
		struct tess_ring_cons cons;
	};
	uint8_t role; /* enum tess_chan_role */
	uint8_t bit;
	bool ok;       /* tess_self's geometry for it is usable */
	bool blocked;  /* producer: the shard found it full since the last sleep */
	bool armed;    /* our waiting flag may be set in shared memory */
	bool reported; /* the kernel knows this end stopped (TESS_SYS_CHAN_STOP) */
	bool moved;    /* committed/released in this entry: check the peer before the yield */
	unsigned errors;
	uint32_t hwm; /* consumer: most slots seen filled (ctrl->chan_hwm) */
};

static struct tess_chan chans[TESS_MAX_SHARD_EVENTS];
/* Ends in tess_self (a constant of the build). */
#define NCHANS (tess_self.nends < TESS_MAX_SHARD_EVENTS ? tess_self.nends : TESS_MAX_SHARD_EVENTS)

/* Whether end i is the calling lane's, from the table (never from chans[],
 * which other lanes write). */
static bool mine(unsigned i, unsigned lane)
{
	return tess_self.ends[i].lane == lane;
}

static bool stopped(const struct tess_chan *c)
{
	return c->role == TESS_ROLE_PRODUCER ? c->prod.stopped : c->cons.stopped;
}

/* Geometry from tess_self, never from the ring's shared header (ring.h
 * "Trust"): a peer that scribbles on the header changes nothing here. */
static void open_end(struct tess_chan *c, const struct tess_end_info *e)
{
	void *mem = (void *)(uintptr_t)e->va;

	c->reported = false;
	if (e->role == TESS_ROLE_PRODUCER)
		ring_prod_open(&c->prod, mem, e->slots, e->slot_size);
	else
		ring_cons_open(&c->cons, mem, e->slots, e->slot_size);
}

/* After an operation found the ring full/empty: if that was a stop, tell
 * the kernel (once per stop); if the kernel has re-formatted the ring
 * since (ctrl->chan_reset), open it afresh. True if the end was reopened
 * (the caller may retry). Only reached when the ring looked full/empty,
 * never on the fast path. */
static bool recover(struct tess_chan *c)
{
	const struct tess_end_info *e = &tess_self.ends[c->bit];
	struct tess_ctrl *ctrl = tess_ctrl();
	uint64_t mine = (uint64_t)1 << c->bit;

	if (!stopped(c))
		return false;
	if (!c->reported) {
		bool prod = c->role == TESS_ROLE_PRODUCER;

		c->errors++;
		c->reported = true;
		tess_syscall(TESS_SYS_CHAN_STOP, c->bit, prod ? c->prod.bad_index : c->cons.bad_index,
			     prod ? c->prod.head : c->cons.tail, 0);
	}
	if (!(atomic_load_explicit(&ctrl->chan_reset, memory_order_acquire) & mine))
		return false;
	atomic_fetch_and(&ctrl->chan_reset, ~mine);
	open_end(c, e);
	return !stopped(c);
}

void rt_chan_setup(void)
{
	unsigned lane = rt_lane();

	for (unsigned i = 0; i < NCHANS; i++) {
		const struct tess_end_info *e = &tess_self.ends[i];
		struct tess_chan *c = &chans[i];

		if (!mine(i, lane))
			continue;

		c->role = e->role;
		c->bit = e->bit;
		c->blocked = c->armed = c->moved = false;
		c->errors = 0;
		c->hwm = atomic_load_explicit(&tess_ctrl()->chan_hwm[c->bit % TESS_MAX_SHARD_EVENTS],
					      memory_order_relaxed);
		c->ok = ring_geometry_ok(e->slots, e->slot_size);
		if (!c->ok) {
			tess_log("channel %s: no usable geometry (%u x %u), end disabled", e->name, e->slots,
				 e->slot_size);
			continue;
		}
		open_end(c, e);
		recover(c); /* found stopped already: report it */
	}
}

/* Lookups return NULL for an unknown id or a disabled end. */
struct tess_chan *tess_chan(unsigned local_id)
{
	return local_id < NCHANS && mine(local_id, rt_lane()) && chans[local_id].ok ? &chans[local_id] : NULL;
}

/* The i-th end of `role` among the calling lane's: tess_in(0) of a fan-out
 * worker is its own lane's ring. */
static struct tess_chan *nth(unsigned role, unsigned i)
{
	unsigned lane = rt_lane();

	for (unsigned k = 0; k < NCHANS; k++)
		if (mine(k, lane) && tess_self.ends[k].role == role && i-- == 0)
			return chans[k].ok ? &chans[k] : NULL;
	return NULL;
}

struct tess_chan *tess_out(unsigned i)
{
	return nth(TESS_ROLE_PRODUCER, i);
}

struct tess_chan *tess_in(unsigned i)
{
	return nth(TESS_ROLE_CONSUMER, i);
}

unsigned tess_chan_bit(const struct tess_chan *c)
{
	return c->bit;
}

unsigned tess_chan_errors(const struct tess_chan *c)
{
	return c->errors;
}

bool tess_chan_stopped(const struct tess_chan *c)
{
	return stopped(c);
}

uint32_t tess_chan_index(const struct tess_chan *c)
{
	return c->role == TESS_ROLE_PRODUCER ? c->prod.head : c->cons.tail;
}

uint32_t tess_chan_slot_size(const struct tess_chan *c)
{
	return c->prod.slot_size; /* same offset in both union members */
}

void *tess_reserve(struct tess_chan *c)
{
	void *slot = ring_reserve(&c->prod);

	if (!slot && recover(c))
		slot = ring_reserve(&c->prod);
	c->blocked = slot == NULL;
	return slot;
}

unsigned tess_reserve_burst(struct tess_chan *c, void **slots, unsigned n)
{
	unsigned k = ring_reserve_burst(&c->prod, slots, n);

	if (k == 0 && n != 0 && recover(c))
		k = ring_reserve_burst(&c->prod, slots, n);
	c->blocked = k == 0 && n != 0;
	return k;
}

/* A plain release store: whether the consumer sleeps is checked once for
 * the whole entry (rt_chan_flush). */
void tess_commit(struct tess_chan *c, unsigned n)
{
	if (n) {
		ring_commit(&c->prod, n);
		c->moved = true;
	}
}

/* The consumer end's high-water mark for `tessera inspect channels`: the
 * filled slots as of the producer's line last read (so never more than
 * were there), published in the control page when it grows. */
static void note_fill(struct tess_chan *c)
{
	uint32_t fill = c->cons.head_cache - c->cons.tail;

	if (fill > c->hwm) {
		c->hwm = fill;
		atomic_store_explicit(&tess_ctrl()->chan_hwm[c->bit % TESS_MAX_SHARD_EVENTS], fill,
				      memory_order_relaxed);
	}
}

void *tess_peek(struct tess_chan *c)
{
	void *slot = ring_peek(&c->cons);

	if (!slot && recover(c))
		slot = ring_peek(&c->cons);
	note_fill(c);
	return slot;
}

unsigned tess_peek_burst(struct tess_chan *c, void **slots, unsigned n)
{
	unsigned k = ring_peek_burst(&c->cons, slots, n);

	if (k == 0 && n != 0 && recover(c))
		k = ring_peek_burst(&c->cons, slots, n);
	note_fill(c);
	return k;
}

void tess_release(struct tess_chan *c, unsigned n)
{
	if (n) {
		ring_release(&c->cons, n);
		c->moved = true;
	}
}

/* The end of an entry, before its yield: every end that committed or
 * released in it checks once whether its peer sleeps on it, and notifies
 * it (ring.h "Sleep protocol"; an entry that ends in a fault or hang has
 * its peers woken by the kernel instead). */
void rt_chan_flush(void)
{
	unsigned lane = rt_lane();

	for (unsigned i = 0; i < NCHANS; i++) {
		struct tess_chan *c = &chans[i];
		bool sleeps;

		if (!mine(i, lane) || !c->moved)
			continue;
		c->moved = false;
		sleeps = c->role == TESS_ROLE_PRODUCER ? ring_prod_peer_sleeps(&c->prod)
						       : ring_cons_peer_sleeps(&c->cons);
		if (sleeps)
			tess_syscall(TESS_SYS_NOTIFY, c->bit, 0, 0, 0);
	}
}

/* Before a WAIT yield, arm the waiting flag of every end the shard waits on
 * (ring.h protocol): a producer end the shard found full (waits for space)
 * and every consumer end (waits for data). A consumer end that still holds
 * data makes the shard ready again, so a shard that drains only part of its
 * input per call is dispatched again; unless the shard is back-pressured: if
 * one of its outputs is full and stays full, data left in its inputs is
 * deliberate and it sleeps until the consumer of that output frees space.
 * This keeps a blocked filter from spinning on its own input. */
tess_set_t rt_chan_arm(void)
{
	tess_set_t ready = 0;
	bool backpressured = false;
	unsigned lane = rt_lane();

	for (unsigned i = 0; i < NCHANS; i++) {
		struct tess_chan *c = &chans[i];

		if (!mine(i, lane) || !c->ok || c->role != TESS_ROLE_PRODUCER || !c->blocked)
			continue;
		c->blocked = false;		/* set again by the next failing reserve */
		if (stopped(c) && recover(c)) { /* re-formatted: try again */
			ready |= (tess_set_t)1 << c->bit;
			continue;
		}
		if (!stopped(c) && !ring_prod_prepare_wait(&c->prod)) {
			ready |= (tess_set_t)1 << c->bit;
			continue;
		}
		/* Full, or stopped (full until the kernel re-formats it and
		 * notifies this end): back-pressure either way. */
		c->armed = !stopped(c);
		backpressured = true;
		recover(c); /* a stop the re-check found: tell the kernel */
	}
	for (unsigned i = 0; i < NCHANS; i++) {
		struct tess_chan *c = &chans[i];

		if (!mine(i, lane) || !c->ok || c->role != TESS_ROLE_CONSUMER)
			continue;
		if (stopped(c) && !recover(c)) /* empty until re-formatted */
			continue;
		/* Data already there: ready, without arming (no write to the
		 * ring's sleep line while traffic flows). */
		if (ring_cons_avail(&c->cons, 1) || !ring_cons_prepare_wait(&c->cons)) {
			if (!backpressured)
				ready |= (tess_set_t)1 << c->bit;
		} else if (stopped(c)) {
			recover(c); /* a stop the re-check found: tell the kernel */
		} else {
			c->armed = true;
		}
	}
	return ready;
}

/* rt_chan_arm's question without its writes: a blocked output with space
 * again or an input with data is ready. A stopped end is left to
 * rt_chan_arm (it reports and recovers). */
tess_set_t rt_chan_look(bool *backpressured)
{
	tess_set_t out = 0, in = 0;
	unsigned lane = rt_lane();

	*backpressured = false;
	for (unsigned i = 0; i < NCHANS; i++) {
		struct tess_chan *c = &chans[i];

		if (!mine(i, lane) || !c->ok || stopped(c))
			continue;
		if (c->role == TESS_ROLE_CONSUMER) {
			if (ring_cons_avail(&c->cons, 1))
				in |= (tess_set_t)1 << c->bit;
		} else if (c->blocked) {
			c->blocked = ring_prod_space(&c->prod, 1) == 0; /* as rt_chan_arm */
			if (c->blocked)
				*backpressured = true;
			else
				out |= (tess_set_t)1 << c->bit;
		}
	}
	return *backpressured ? out : out | in;
}

/* After the yield: nobody needs to notify us until we arm again. */
void rt_chan_disarm(void)
{
	unsigned lane = rt_lane();

	for (unsigned i = 0; i < NCHANS; i++) {
		struct tess_chan *c = &chans[i];

		if (!mine(i, lane) || !c->armed)
			continue;
		c->armed = false;
		if (c->role == TESS_ROLE_PRODUCER)
			ring_prod_cancel_wait(&c->prod);
		else
			ring_cons_cancel_wait(&c->cons);
	}
}
