/* channel.h over ring.h: one private end per entry of tess_self.ends, plus
 * the runtime's half of the ring sleep protocol (see rt_chan_arm). */
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
	bool ok;      /* the ring was formatted and matched tess_self */
	bool blocked; /* producer: the shard found it full since the last sleep */
	bool armed;   /* our waiting flag may be set in shared memory */
};

static struct tess_chan chans[TESS_MAX_SHARD_EVENTS];
static unsigned nchans;

void rt_chan_setup(void)
{
	nchans = tess_self.nends < TESS_MAX_SHARD_EVENTS ? tess_self.nends : TESS_MAX_SHARD_EVENTS;
	for (unsigned i = 0; i < nchans; i++) {
		const struct tess_end_info *e = &tess_self.ends[i];
		struct tess_chan *c = &chans[i];
		void *mem = (void *)(uintptr_t)e->va;

		c->role = e->role;
		c->bit = e->bit;
		c->blocked = c->armed = false;
		if (e->role == TESS_ROLE_PRODUCER)
			c->ok = ring_prod_attach(&c->prod, mem);
		else
			c->ok = ring_cons_attach(&c->cons, mem);
		if (c->ok && (c->prod.mask + 1 != e->slots || c->prod.slot_size != e->slot_size))
			c->ok = false;
		if (!c->ok)
			tess_log("channel %s: ring not formatted as %u x %u, end disabled", e->name, e->slots,
				 e->slot_size);
	}
}

/* Lookups return NULL for an unknown id or a disabled end. */
struct tess_chan *tess_chan(unsigned local_id)
{
	return local_id < nchans && chans[local_id].ok ? &chans[local_id] : NULL;
}

static struct tess_chan *nth(unsigned role, unsigned i)
{
	for (unsigned k = 0; k < nchans; k++)
		if (chans[k].role == role && i-- == 0)
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

uint32_t tess_chan_slot_size(const struct tess_chan *c)
{
	return c->prod.slot_size; /* same offset in both union members */
}

void *tess_reserve(struct tess_chan *c)
{
	void *slot = ring_reserve(&c->prod);

	c->blocked = slot == NULL;
	return slot;
}

unsigned tess_reserve_burst(struct tess_chan *c, void **slots, unsigned n)
{
	unsigned k = ring_reserve_burst(&c->prod, slots, n);

	c->blocked = k == 0 && n != 0;
	return k;
}

void tess_commit(struct tess_chan *c, unsigned n)
{
	if (n && ring_commit_wake(&c->prod, n))
		tess_syscall(TESS_SYS_NOTIFY, c->bit, 0, 0, 0);
}

void *tess_peek(struct tess_chan *c)
{
	return ring_peek(&c->cons);
}

unsigned tess_peek_burst(struct tess_chan *c, void **slots, unsigned n)
{
	return ring_peek_burst(&c->cons, slots, n);
}

void tess_release(struct tess_chan *c, unsigned n)
{
	if (n && ring_release_wake(&c->cons, n))
		tess_syscall(TESS_SYS_NOTIFY, c->bit, 0, 0, 0);
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

	for (unsigned i = 0; i < nchans; i++) {
		struct tess_chan *c = &chans[i];

		if (!c->ok || c->role != TESS_ROLE_PRODUCER || !c->blocked)
			continue;
		c->blocked = false; /* set again by the next failing reserve */
		if (ring_prod_prepare_wait(&c->prod)) {
			c->armed = true;
			backpressured = true;
		} else {
			ready |= (tess_set_t)1 << c->bit;
		}
	}
	for (unsigned i = 0; i < nchans; i++) {
		struct tess_chan *c = &chans[i];

		if (!c->ok || c->role != TESS_ROLE_CONSUMER)
			continue;
		if (ring_cons_prepare_wait(&c->cons))
			c->armed = true;
		else if (!backpressured)
			ready |= (tess_set_t)1 << c->bit;
	}
	return ready;
}

/* After the yield: nobody needs to notify us until we arm again. */
void rt_chan_disarm(void)
{
	for (unsigned i = 0; i < nchans; i++) {
		struct tess_chan *c = &chans[i];

		if (!c->armed)
			continue;
		c->armed = false;
		if (c->role == TESS_ROLE_PRODUCER)
			ring_prod_cancel_wait(&c->prod);
		else
			ring_cons_cancel_wait(&c->cons);
	}
}
