/* Unit tests of <tessera/ring.h>: layout, empty/full, wrap, bursts across
 * the wrap, restart re-attach, the sleep protocol's flag handling, and a
 * hostile peer (header and indices scribbled: ring.h "Trust"). */
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <tessera/ring.h>
#include "check.h"

#define SLOTS 8
#define SZ    64

static alignas(4096) uint8_t mem[TESS_CHAN_HDR_SIZE + SLOTS * SZ];

static void test_init_and_layout(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;
	struct tess_ring_prod p;

	memset(mem, 0xa5, sizeof(mem));
	CHECK(!ring_prod_attach(&p, mem)); /* not formatted */
	CHECK(!ring_init(mem, 6, SZ));	   /* not a power of two */
	CHECK(!ring_init(mem, 0, SZ));
	CHECK(!ring_init(mem, SLOTS, 0));
	CHECK(!ring_init(mem, SLOTS, TESS_MAX_SLOT_SIZE + 1));
	CHECK(ring_init(mem, SLOTS, SZ));
	CHECK(*(uint32_t *)(mem + 0) == TESS_RING_MAGIC);
	CHECK(*(uint32_t *)(mem + 4) == SLOTS);
	CHECK(*(uint32_t *)(mem + 8) == SZ);
	CHECK((uint8_t *)&r->head - mem == 64 && (uint8_t *)&r->tail - mem == 128);
	CHECK((uint8_t *)&r->producer_waiting - mem == 192 && (uint8_t *)&r->consumer_waiting - mem == 196);
	CHECK(mem[TESS_CHAN_HDR_SIZE] == 0xa5); /* slots are not touched */
	CHECK(ring_bytes(SLOTS, SZ) == sizeof(mem));
}

static void test_empty_full(void)
{
	struct tess_ring_prod p;
	struct tess_ring_cons c;
	void *s[SLOTS + 4];

	ring_init(mem, SLOTS, SZ);
	CHECK(ring_prod_attach(&p, mem) && ring_cons_attach(&c, mem));
	CHECK(ring_peek(&c) == NULL);
	CHECK(ring_peek_burst(&c, s, 4) == 0);
	CHECK(ring_reserve(&p) == mem + TESS_CHAN_HDR_SIZE);
	CHECK(ring_reserve(&p) == mem + TESS_CHAN_HDR_SIZE); /* reserve does not advance */
	for (unsigned i = 0; i < SLOTS; i++) {
		uint32_t *slot = ring_reserve(&p);
		CHECK(slot == (void *)(mem + TESS_CHAN_HDR_SIZE + i * SZ));
		*slot = 100 + i;
		ring_commit(&p, 1);
	}
	CHECK(ring_reserve(&p) == NULL);
	CHECK(ring_reserve_burst(&p, s, 4) == 0);
	CHECK(ring_peek_burst(&c, s, SLOTS + 4) == SLOTS);
	for (unsigned i = 0; i < SLOTS; i++)
		CHECK(*(uint32_t *)s[i] == 100 + i);
	ring_release(&c, 3);
	CHECK(ring_reserve_burst(&p, s, SLOTS) == 3);
	CHECK(*(uint32_t *)ring_peek(&c) == 103);
	ring_release(&c, SLOTS - 3);
	CHECK(ring_peek(&c) == NULL);
}

/* Indices run free across 2^32: start both ends just below the wrap. */
static void test_wrap_and_burst(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;
	struct tess_ring_prod p;
	struct tess_ring_cons c;
	void *s[SLOTS];
	uint32_t next = 0, expect = 0;

	ring_init(mem, SLOTS, SZ);
	atomic_store(&r->head, UINT32_MAX - 2);
	atomic_store(&r->tail, UINT32_MAX - 2);
	CHECK(ring_prod_attach(&p, mem) && ring_cons_attach(&c, mem));
	for (int round = 0; round < 50; round++) {
		unsigned want = 1 + (unsigned)round % SLOTS, got = ring_reserve_burst(&p, s, want);
		CHECK(got == want || got == SLOTS - (p.head - c.tail));
		for (unsigned i = 0; i < got; i++) {
			/* one pointer per slot, wrapping at the end of the array */
			CHECK(s[i] == mem + TESS_CHAN_HDR_SIZE + ((p.head + i) & (SLOTS - 1)) * SZ);
			*(uint32_t *)s[i] = next++;
		}
		ring_commit(&p, got);
		unsigned n = ring_peek_burst(&c, s, 1 + (unsigned)(round * 3) % SLOTS);
		for (unsigned i = 0; i < n; i++)
			CHECK(*(uint32_t *)s[i] == expect++);
		ring_release(&c, n);
	}
	CHECK(p.head < 1000); /* we did cross 2^32 */
	unsigned n = ring_peek_burst(&c, s, SLOTS);
	for (unsigned i = 0; i < n; i++)
		CHECK(*(uint32_t *)s[i] == expect++);
	ring_release(&c, n);
	CHECK(expect == next);
}

/* A restarted end resumes from the shared index, not from a stale cache. */
static void test_reattach(void)
{
	struct tess_ring_prod p, p2;
	struct tess_ring_cons c, c2;

	ring_init(mem, SLOTS, SZ);
	ring_prod_attach(&p, mem);
	ring_cons_attach(&c, mem);
	for (uint32_t i = 0; i < 5; i++) {
		*(uint32_t *)ring_reserve(&p) = i;
		ring_commit(&p, 1);
	}
	ring_reserve(&p); /* reserved, never committed: lost with the old life */
	ring_release(&c, 2);
	ring_peek(&c); /* peeked, not released: delivered again */
	CHECK(ring_prod_attach(&p2, mem) && p2.head == 5 && p2.tail_cache == 2);
	CHECK(ring_cons_attach(&c2, mem) && c2.tail == 2 && c2.head_cache == 5);
	CHECK(*(uint32_t *)ring_peek(&c2) == 2);
	CHECK(ring_reserve(&p2) == mem + TESS_CHAN_HDR_SIZE + 5 * SZ);
}

static void test_sleep_protocol(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;
	struct tess_ring_prod p;
	struct tess_ring_cons c;

	ring_init(mem, SLOTS, SZ);
	ring_prod_attach(&p, mem);
	ring_cons_attach(&c, mem);

	/* Consumer side: empty ring -> may sleep, flag armed. */
	CHECK(ring_cons_prepare_wait(&c));
	CHECK(atomic_load(&r->consumer_waiting) == 1);
	ring_reserve(&p);
	ring_commit(&p, 1);
	CHECK(atomic_load(&r->consumer_waiting) == 1); /* a commit alone does not look */
	CHECK(ring_prod_peer_sleeps(&p));	       /* the entry's end: notify once */
	CHECK(atomic_load(&r->consumer_waiting) == 0); /* ...and the flag is taken */
	CHECK(!ring_prod_peer_sleeps(&p));
	ring_reserve(&p);
	ring_commit(&p, 1);
	CHECK(!ring_prod_peer_sleeps(&p)); /* nobody sleeps: no notify */
	/* Data present -> must not sleep; the flag is left clear. */
	CHECK(!ring_cons_prepare_wait(&c));
	CHECK(atomic_load(&r->consumer_waiting) == 0);
	ring_release(&c, 2);
	CHECK(ring_cons_prepare_wait(&c));
	ring_cons_cancel_wait(&c);
	CHECK(atomic_load(&r->consumer_waiting) == 0);
	ring_reserve(&p);
	ring_commit(&p, 1);
	CHECK(!ring_prod_peer_sleeps(&p));
	ring_release(&c, 1);

	/* Producer side: only a full ring lets the producer sleep. */
	CHECK(!ring_prod_prepare_wait(&p));
	CHECK(atomic_load(&r->producer_waiting) == 0);
	for (int i = 0; i < SLOTS; i++) {
		ring_reserve(&p);
		ring_commit(&p, 1);
	}
	CHECK(ring_prod_prepare_wait(&p));
	CHECK(atomic_load(&r->producer_waiting) == 1);
	ring_release(&c, 1);
	CHECK(ring_cons_peer_sleeps(&c));
	ring_release(&c, 1);
	CHECK(!ring_cons_peer_sleeps(&c));
	CHECK(atomic_load(&r->producer_waiting) == 0);
	/* Space freed between arming and re-check is seen by the re-check. */
	ring_reserve(&p);
	ring_commit(&p, 1);
	atomic_store(&r->tail, atomic_load(&r->tail) + 1); /* consumer "releases" concurrently */
	CHECK(!ring_prod_prepare_wait(&p));
}

/* Geometry comes from the caller's own table: a peer that rewrites the
 * header (magic, slots, slot_size) changes nothing for an open end. */
static void test_header_not_trusted(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;
	struct tess_ring_prod p;
	struct tess_ring_cons c;

	ring_init(mem, SLOTS, SZ);
	r->magic = 0;
	r->slots = 1u << 20;
	r->slot_size = 7;
	ring_prod_open(&p, mem, SLOTS, SZ);
	ring_cons_open(&c, mem, SLOTS, SZ);
	CHECK(!p.stopped && !c.stopped && p.mask == SLOTS - 1 && c.slot_size == SZ);
	for (uint32_t i = 0; i < 3 * SLOTS; i++) {
		uint32_t *slot = ring_reserve(&p);
		CHECK(slot == (void *)(mem + TESS_CHAN_HDR_SIZE + (i % SLOTS) * SZ));
		*slot = i;
		ring_commit(&p, 1);
		CHECK(*(uint32_t *)ring_peek(&c) == i);
		ring_release(&c, 1);
	}
}

/* The consumer takes a head only in [head_cache, tail + slots]: a jump
 * (+2^31, or one past a full ring) or a step back stops it at once; it
 * delivers nothing it did not have, touches no shared byte after, and
 * stays stopped when the head is sane again. Opened afresh on a
 * re-formatted ring it works again. */
static void test_bogus_head(void)
{
	static const uint32_t bogus[] = {0x80000000u, SLOTS + 1, UINT32_MAX};
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;

	for (unsigned k = 0; k < sizeof bogus / sizeof bogus[0]; k++) {
		struct tess_ring_prod p;
		struct tess_ring_cons c;
		void *s[SLOTS];
		uint32_t real;

		ring_init(mem, SLOTS, SZ);
		ring_prod_open(&p, mem, SLOTS, SZ);
		ring_cons_open(&c, mem, SLOTS, SZ);
		for (uint32_t i = 0; i < 3; i++) {
			*(uint32_t *)ring_reserve(&p) = i;
			ring_commit(&p, 1);
		}
		CHECK(ring_peek_burst(&c, s, 1) == 1); /* head_cache 3 */
		ring_release(&c, 1);
		real = atomic_load(&r->head);
		/* bogus[k] relative to the consumer's tail once it has released
		 * the two below: 2^31 ahead, one past full; or one behind what
		 * it already saw */
		atomic_store(&r->head, k == 2 ? real - 1 : c.tail + 2 + bogus[k]);
		/* The two it has cached need no read of head. */
		CHECK(ring_peek_burst(&c, s, 2) == 2 && !c.stopped);
		CHECK(*(uint32_t *)s[0] == 1 && *(uint32_t *)s[1] == 2);
		ring_release(&c, 2);
		CHECK(ring_peek_burst(&c, s, SLOTS) == 0 && c.stopped);
		CHECK(c.bad_index == atomic_load(&r->head));
		atomic_store(&r->head, real); /* transient: sane again */
		CHECK(ring_peek(&c) == NULL && ring_peek_burst(&c, s, SLOTS) == 0);
		/* No shared write: release and the sleep protocol leave the lines. */
		ring_release(&c, 1);
		ring_release(&c, 1);
		CHECK(!ring_cons_peer_sleeps(&c));
		CHECK(ring_cons_prepare_wait(&c));
		ring_cons_cancel_wait(&c);
		CHECK(atomic_load(&r->tail) == 3 && atomic_load(&r->consumer_waiting) == 0);
		/* Re-formatted (kern/chan.c) and opened again: in business. */
		ring_init(mem, SLOTS, SZ);
		ring_prod_open(&p, mem, SLOTS, SZ);
		ring_cons_open(&c, mem, SLOTS, SZ);
		*(uint32_t *)ring_reserve(&p) = 42;
		ring_commit(&p, 1);
		CHECK(!c.stopped && *(uint32_t *)ring_peek(&c) == 42);
	}
}

/* A head that makes the ring exactly full is honest. */
static void test_full_head_is_fine(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;
	struct tess_ring_cons c;

	ring_init(mem, SLOTS, SZ);
	ring_cons_open(&c, mem, SLOTS, SZ);
	atomic_store(&r->head, SLOTS);
	CHECK(ring_cons_avail(&c, 1) == SLOTS && !c.stopped);
}

/* The producer takes a tail only in [tail_cache, head]: a tail past head
 * (the consumer "released" what was never committed) or behind the last
 * one seen stops it; it then overwrites nothing the consumer has not
 * released, and publishes nothing. */
static void test_bogus_tail(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;

	for (unsigned k = 0; k < 3; k++) {
		struct tess_ring_prod p;
		struct tess_ring_cons c;
		void *s[SLOTS];

		ring_init(mem, SLOTS, SZ);
		ring_prod_open(&p, mem, SLOTS, SZ);
		ring_cons_open(&c, mem, SLOTS, SZ);
		for (uint32_t i = 0; i < SLOTS; i++) {
			*(uint32_t *)ring_reserve(&p) = 100 + i;
			ring_commit(&p, 1);
		}
		ring_peek_burst(&c, s, 2);
		ring_release(&c, 2);
		CHECK(ring_reserve_burst(&p, s, SLOTS) == 2); /* tail_cache 2 */
		/* 2^31 ahead, past the head (SLOTS + 2 after the commits below),
		 * behind the last tail seen */
		atomic_store(&r->tail, k == 0 ? 2 + 0x80000000u : k == 1 ? SLOTS + 3 : 1);
		/* Reserving reads the tail only when the cache says full. */
		for (uint32_t i = 0; i < 2; i++) {
			*(uint32_t *)ring_reserve(&p) = 200 + i;
			ring_commit(&p, 1);
		}
		CHECK(ring_reserve(&p) == NULL && p.stopped && p.bad_index == atomic_load(&r->tail));
		CHECK(ring_reserve_burst(&p, s, SLOTS) == 0);
		CHECK(ring_prod_prepare_wait(&p) && atomic_load(&r->producer_waiting) == 0);
		ring_commit(&p, 1); /* a slot reserved before the stop: not published */
		CHECK(atomic_load(&r->head) == SLOTS + 2);
		for (uint32_t i = 2; i < SLOTS; i++) /* unread slots intact */
			CHECK(*(uint32_t *)(mem + TESS_CHAN_HDR_SIZE + i * SZ) == 100 + i);
	}
}

/* Indices that are inconsistent when an end opens (head - tail > slots)
 * stop it from the start; consistent ones do not. */
static void test_open_inconsistent(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;
	struct tess_ring_prod p;
	struct tess_ring_cons c;

	ring_init(mem, SLOTS, SZ);
	atomic_store(&r->head, 100);
	atomic_store(&r->tail, 100 - SLOTS - 1);
	ring_prod_open(&p, mem, SLOTS, SZ);
	ring_cons_open(&c, mem, SLOTS, SZ);
	CHECK(p.stopped && c.stopped && ring_reserve(&p) == NULL && ring_peek(&c) == NULL);
	atomic_store(&r->tail, 100 - SLOTS);
	ring_prod_open(&p, mem, SLOTS, SZ);
	ring_cons_open(&c, mem, SLOTS, SZ);
	CHECK(!p.stopped && !c.stopped && ring_reserve(&p) == NULL && ring_peek(&c) != NULL);
}

/* The sleep protocol's re-check is a read of the peer's index like any
 * other: a bogus one stops the end, which leaves its flag clear and may
 * sleep (nothing will change on this ring). */
static void test_prepare_wait_checks(void)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;
	struct tess_ring_prod p;
	struct tess_ring_cons c;

	ring_init(mem, SLOTS, SZ);
	ring_prod_open(&p, mem, SLOTS, SZ);
	ring_cons_open(&c, mem, SLOTS, SZ);
	atomic_store(&r->head, 0x40000000u);
	CHECK(ring_cons_prepare_wait(&c) && c.stopped && atomic_load(&r->consumer_waiting) == 0);
	ring_init(mem, SLOTS, SZ);
	ring_prod_open(&p, mem, SLOTS, SZ);
	for (int i = 0; i < SLOTS; i++) {
		ring_reserve(&p);
		ring_commit(&p, 1);
	}
	atomic_store(&r->tail, SLOTS + 3);
	CHECK(ring_prod_prepare_wait(&p) && p.stopped && atomic_load(&r->producer_waiting) == 0);
}

int main(void)
{
	test_init_and_layout();
	test_empty_full();
	test_wrap_and_burst();
	test_reattach();
	test_sleep_protocol();
	test_header_not_trusted();
	test_bogus_head();
	test_full_head_is_fine();
	test_bogus_tail();
	test_open_inconsistent();
	test_prepare_wait_checks();
	return check_summary();
}
