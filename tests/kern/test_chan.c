/* kern/chan.c: an end that stopped trusting its ring (TESS_SYS_CHAN_STOP)
 * is counted and logged once per stop; the ring is re-formatted when the
 * other end restarts or both ends stopped, and the stopped ends are told
 * through chan_reset and a notification; never when only the stopped end
 * restarts, nor on a restart without a recorded stop. A fault wakes the
 * peers that sleep on the shard's rings. */
#include <kern/priv.h>
#include <tessera/ring.h>
#include "check.h"
#include "fake.h"
#include "sys4.h"

#define STOP(bit, seen, own)                                                                                 \
	{                                                                                                    \
		.trap = {.kind = TRAP_SYSCALL, .nr = TESS_SYS_CHAN_STOP, .arg = {(bit), (seen), (own)} }     \
	}
#define CRASH FAULT(FAULT_WRITE, 0x10, 0x400000, 0)

static struct tess_ring_shm *ring(unsigned c)
{
	return plat_pa_to_kva(FAKE_CHAN_PA(c));
}

static void boot(void)
{
	fake_reset();
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_out_clear();
}

static void set_indices(unsigned c, uint32_t head, uint32_t tail)
{
	atomic_store(&ring(c)->head, head);
	atomic_store(&ring(c)->tail, tail);
}

static bool formatted(unsigned c)
{
	struct tess_ring_shm *r = ring(c);

	return r->magic == TESS_RING_MAGIC && r->slots == 8 && r->slot_size == 64 && r->head == 0 &&
	       r->tail == 0;
}

static struct kern_chan_stats chan_stats(unsigned c)
{
	struct kern_chan_stats st = {0};

	CHECK_EQ(kern_chan_stats_get(c, &st), 0);
	return st;
}

/* One turn of each shard of core 0 (a, b, c in manifest order). */
static void round0(void)
{
	for (unsigned i = 0; i < 3; i++)
		kern_core_step(0);
}

/* The producer a scribbles head; the consumer b stops, reports twice
 * (one log line), restarts itself (no re-format: a runs on), stops again;
 * then a restarts: re-formatted, b told. */
static void consumer_stops_producer_restarts(void)
{
	static const struct fake_step b[] = {STOP(0, 0x80000005u, 5), STOP(0, 0x80000005u, 5), YIELD_WAIT,
					     CRASH};
	static const struct fake_step b2[] = {STOP(0, 0x80000005u, 5), YIELD_WAIT};
	static const struct fake_step a[] = {YIELD_WAIT, CRASH};
	const char *stop_line =
		"kern| channel ab (a -> b): b stopped it: peer head 2147483653, own tail 5, 8 slots\n";

	boot();
	set_indices(0, 0x80000005u, 5);
	ring(0)->slots = 1u << 20; /* the header is not the ends' business */
	fake_set_script(A, a, 2);
	fake_set_script(B, b, 4);
	round0();
	CHECK_STR(fake_out(), stop_line);
	CHECK_EQ(fake_seen[B][1], 0);
	CHECK_EQ(fake_seen[B][2], 0);
	CHECK_EQ(chan_stats(0).stops_consumer, 2);
	CHECK_EQ(chan_stats(0).stops_producer, 0);
	CHECK_EQ(chan_stats(0).formats, 0);
	CHECK_EQ(atomic_load(&ring(0)->head), 0x80000005u); /* nothing re-formatted yet */

	/* b's own restart leaves the ring to its new life's checks. */
	atomic_fetch_or(&kern_shard_by_id(B)->pending, 1);
	fake_out_clear();
	CHECK(kern_core_step(0)); /* b crashes */
	CHECK_STR(fake_out(), "kern| shard b: fault write at 0x10 pc 0x400000\n"
			      "kern| shard b: restarted (1/3 in 1 s)\n");
	CHECK_EQ(atomic_load(&ring(0)->head), 0x80000005u);
	CHECK_EQ(chan_stats(0).formats, 0);

	/* b's new life stops again... */
	fake_set_script(B, b2, 2);
	fake_out_clear();
	CHECK(kern_core_step(0));
	CHECK_STR(fake_out(), stop_line);
	CHECK_EQ(atomic_load(&fake_ctrl(B)->chan_reset), 0);
	/* ...then a crashes: its restart re-formats, b is told. */
	atomic_fetch_or(&kern_shard_by_id(A)->pending, 1);
	fake_out_clear();
	CHECK(kern_core_step(0));
	CHECK_STR(fake_out(), "kern| shard a: fault write at 0x10 pc 0x400000\n"
			      "kern| channel ab (a -> b): re-formatted (a restarted)\n"
			      "kern| shard a: restarted (1/3 in 1 s)\n");
	CHECK(formatted(0));
	CHECK_EQ(chan_stats(0).formats, 1);
	CHECK_EQ(atomic_load(&fake_ctrl(B)->chan_reset), 1u << 0); /* b's end 0 */
	CHECK(atomic_load(&kern_shard_by_id(B)->pending) & 1u);	   /* ...and b is notified */
	CHECK_EQ(atomic_load(&fake_ctrl(A)->chan_reset), 0);
	/* The table says so. */
	fake_out_clear();
	kern_stats_print();
	CHECK(strstr(fake_out(),
		     "kern| channel ab (a -> b): 0 sent, 0 received, 0 in flight of 8 slots\n"
		     "kern| channel ab: protocol errors seen by a 0, by b 3; re-formatted 1 times\n"
		     "kern| channel bd (b -> d): 0 sent, 0 received, 0 in flight of 8 slots\n") != NULL);
}

/* Both ends of bd stop (b produces, d consumes on core 1): re-formatted at
 * once, both told; the control page bits are the ends' local bits. */
static void both_stop(void)
{
	static const struct fake_step b[] = {STOP(1, 3, 9), YIELD_WAIT, CRASH};
	static const struct fake_step d[] = {STOP(0, 9, 3), YIELD_WAIT};

	boot();
	set_indices(1, 9, 3);
	fake_set_script(B, b, 3);
	fake_set_script(D, d, 2);
	round0();
	CHECK(!formatted(1));
	fake_core = 1;
	kern_core_step(1);
	fake_core = 0;
	CHECK_STR(fake_out(), "kern| channel bd (b -> d): b stopped it: peer tail 3, own head 9, 8 slots\n"
			      "kern| channel bd (b -> d): d stopped it: peer head 9, own tail 3, 8 slots\n"
			      "kern| channel bd (b -> d): re-formatted (both ends stopped)\n");
	CHECK(formatted(1));
	CHECK_EQ(atomic_load(&fake_ctrl(B)->chan_reset), 1u << 1);
	CHECK_EQ(atomic_load(&fake_ctrl(D)->chan_reset), 1u << 0);
	CHECK_EQ(chan_stats(1).stops_producer, 1);
	CHECK_EQ(chan_stats(1).stops_consumer, 1);
	CHECK_EQ(chan_stats(1).formats, 1);
	/* A new life starts with no reset pending (b was notified: runs, crashes). */
	CHECK(kern_core_step(0));
	CHECK_EQ(fake_stats(B).restarts, 1);
	CHECK_EQ(atomic_load(&fake_ctrl(B)->chan_reset), 0);
}

/* Without a recorded stop a restart keeps the ring: a restarted consumer
 * gets its unreleased messages again, a restarted producer continues. */
static void restart_keeps_ring(void)
{
	static const struct fake_step a[] = {CRASH};
	struct kern_chan_stats st;

	boot();
	set_indices(0, 3, 1);
	fake_set_script(A, a, 1);
	round0();
	CHECK(strstr(fake_out(), "kern| shard a: restarted (1/3 in 1 s)\n") != NULL);
	CHECK_EQ(atomic_load(&ring(0)->head), 3);
	CHECK_EQ(atomic_load(&ring(0)->tail), 1);
	CHECK_EQ(chan_stats(0).formats, 0);
	CHECK_EQ(kern_chan_stats_get(2, &st), -1);
}

/* An entry that ends in a fault never reaches the runtime's end-of-entry
 * check (ring.h "Sleep protocol"): the kernel makes it, waking a peer that
 * sleeps on the ring (its flag taken) and no other. */
static void fault_wakes_sleeping_peer(void)
{
	static const struct fake_step a[] = {CRASH};

	boot();
	atomic_store(&ring(0)->consumer_waiting, 1); /* b sleeps on ab */
	fake_set_script(A, a, 1);
	kern_core_step(0);
	CHECK(atomic_load(&kern_shard_by_id(B)->pending) & 1u); /* b's end 0 */
	CHECK_EQ(atomic_load(&ring(0)->consumer_waiting), 0);
	atomic_store(&kern_shard_by_id(B)->pending, 0);
	fake_set_script(A, a, 1);
	kern_core_step(0); /* nobody sleeps: nobody is woken */
	CHECK_EQ(atomic_load(&kern_shard_by_id(B)->pending), 0);
}

/* A bit that is not one of the caller's channel ends is a bad call. */
static void bad_bit(void)
{
	static const struct fake_step a[] = {STOP(1, 0, 0), STOP(63, 0, 0), YIELD_WAIT};

	boot();
	fake_set_script(A, a, 3);
	kern_core_step(0);
	CHECK_EQ(fake_stats(A).bad_syscalls, 2);
	CHECK_STR(fake_out(), "");
}

int main(void)
{
	consumer_stops_producer_restarts();
	both_stop();
	restart_keeps_ring();
	fault_wakes_sleeping_peer();
	bad_bit();
	return t_summary("kern_chan");
}
