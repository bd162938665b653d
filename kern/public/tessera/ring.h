/* The SPSC ring under every channel: fixed slots in shared memory, free
 * running uint32 indices, zero-copy (reserve/commit, peek/release).
 * Header-only so the runtime, the kernel (formatting, stats), the simulator
 * and the benchmark all inline the same code. Freestanding: stdint/stdatomic and
 * memset (kern/libc on targets).
 *
 * Shared layout (docs/design.md "Channel memory"):
 *   [0,64)    header: magic, slots, slot_size     (written by ring_init)
 *   [64,128)  producer line: head                  (written by the producer)
 *   [128,192) consumer line: tail                  (written by the consumer)
 *   [192,256) sleep line: producer_waiting, consumer_waiting (each written by
 *             its end, only around a sleep; read by the peer once per entry,
 *             so the line stays shared by both caches while traffic flows)
 *   then slots from TESS_CHAN_HDR_SIZE.
 * Each end keeps a private struct with its own index and a cached copy of the
 * other end's index; the cache lives in the end's private memory, never in the
 * shared lines, so a fast path touches only its own line plus the slots.
 *
 * Trust: both ends map the whole ring read-write, so either may write any
 * byte of it. An end therefore takes the geometry from its own tables
 * (ring_prod_open/ring_cons_open: the shard's tess_self, the kernel's
 * tess_system), never from the header, which only tools read; and it
 * checks every index it reads from the peer's line before using it.
 * Slot addresses are `index & mask` inside the end's own geometry, so no
 * index can reach outside the ring. The invariant each end keeps on its
 * private view is
 *     0 <= head - tail_cache <= slots   (producer)
 *     0 <= head_cache - tail <= slots   (consumer)
 * An honest peer only moves its index forward and never past ours: the
 * producer reads a tail in [tail_cache, head], the consumer a head in
 * [head_cache, tail + slots]. A value outside that window (a jump, a step
 * back, head - tail > slots) is a peer protocol error: the end records it
 * (`stopped`, `bad_index`), treats the ring as full (producer) or empty
 * (consumer) from then on and touches no shared byte of it any more, so it
 * neither replays slots the producer never committed nor overwrites slots
 * the consumer never released, and one bogus read (head + 2^31) costs one
 * check, not 2^31 deliveries. It stays stopped until it is opened again:
 * the kernel re-formats the channel when the other end restarts or both
 * stopped (kern/chan.c), and tells it through its control page. The check
 * runs only where the peer's index is re-read, i.e. when the cached copy
 * says full/empty: the fast path has no extra shared load. A stopped end
 * never sleeps on the ring (no waiting flag), so the sleep protocol below
 * concerns open ends only. A hostile peer can still write garbage into
 * the slots it owns, flip the waiting flags (a spurious NOTIFY, or a
 * missed wakeup of its own traffic) and stop the channel; it cannot make
 * an end read or write outside the ring or spin.
 *
 * Memory ordering: the producer fills slots with plain stores, then publishes
 * head with a release store; the consumer reads head with acquire before it
 * reads the slots. Symmetrically, tail is released after the consumer is done
 * with the slots and acquired by the producer before it reuses them. The
 * remote index is only re-read (acquire) when the cached copy says full/empty.
 *
 * Sleep protocol (no lost wakeup). The consumer, before sleeping
 * (ring_cons_prepare_wait):
 *     C1 consumer_waiting := 1 (seq_cst);  C2 R head (seq_cst) -> data? don't sleep.
 * The producer publishes with plain release stores (ring_commit), as many
 * times as it likes, and once before it can stop running (the shard
 * runtime: at the end of every entry, before its yield; the kernel for an
 * entry that ends in a fault or hang, kern/chan.c) checks
 * (ring_prod_peer_sleeps):
 *     P1 head := h (release) ... ;  F fence (seq_cst);  P2 R consumer_waiting -> 1? notify.
 * C1, C2 and F sit in the single total order S of seq_cst operations
 * (C11 7.17.3p6), consistent with each thread's program order. If F
 * precedes C2 in S, C2 follows a seq_cst fence that the head store is
 * sequenced before, so it sees that head or a later one (7.17.3p10): the
 * consumer stays awake. Otherwise C1 precedes C2 and so F in S, and P2, a
 * read sequenced after the fence F, sees the flag as C1 left it or a
 * later value (7.17.3p9): the producer notifies, unless the consumer
 * itself cleared the flag again, which it does only awake. Both may happen, which costs a
 * spurious wakeup. So the check needs no locked instruction per commit:
 * one fence and one load of the consumer's line per entry, whatever the
 * number of commits in it. A message committed in an entry wakes a
 * sleeping consumer when that entry ends, not at the commit (at most one
 * entry later). The flag is taken with an exchange and only the side
 * that swapped 1->0 notifies, so one sleep costs at most one NOTIFY;
 * every take comes with a notification, which the kernel latches in the
 * pending set, so a consumer that has armed but not yet entered its WAIT
 * yield returns at once. The producer waiting for space on a full ring is
 * the exact mirror (producer_waiting, tail, ring_cons_peer_sleeps after
 * ring_release). tests/ring/ring_stress.c runs both under two threads
 * that check only at the end of random "entries". */
#ifndef TESSERA_RING_H
#define TESSERA_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <tessera/limits.h>

#define TESS_RING_MAGIC 0x52494e47u /* "RING" */

struct tess_ring_shm {
	alignas(TESS_CACHE_LINE) _Atomic uint32_t magic;
	uint32_t slots;
	uint32_t slot_size;
	alignas(TESS_CACHE_LINE) _Atomic uint32_t head;
	alignas(TESS_CACHE_LINE) _Atomic uint32_t tail;
	alignas(TESS_CACHE_LINE) _Atomic uint32_t producer_waiting;
	_Atomic uint32_t consumer_waiting;
	uint8_t pad[TESS_CACHE_LINE - 2 * sizeof(uint32_t)];
};

_Static_assert(offsetof(struct tess_ring_shm, head) == 64, "producer line at 64");
_Static_assert(offsetof(struct tess_ring_shm, tail) == 128, "consumer line at 128");
_Static_assert(offsetof(struct tess_ring_shm, producer_waiting) == 192, "sleep line at 192");
_Static_assert(sizeof(struct tess_ring_shm) == TESS_CHAN_HDR_SIZE, "slots start at TESS_CHAN_HDR_SIZE");

/* The producer's private view. */
struct tess_ring_prod {
	struct tess_ring_shm *shm;
	uint8_t *slot0;
	uint32_t mask, slot_size; /* from the end's own tables */
	uint32_t head;		  /* next slot to fill; equals shm->head after commit */
	uint32_t tail_cache;	  /* last tail seen; free >= slots - (head - tail_cache) */
	uint32_t bad_index;	  /* the tail that stopped the end */
	bool stopped;		  /* peer protocol error: the ring stays full */
};

/* The consumer's private view. */
struct tess_ring_cons {
	struct tess_ring_shm *shm;
	uint8_t *slot0;
	uint32_t mask, slot_size; /* from the end's own tables */
	uint32_t tail;		  /* next slot to read; equals shm->tail after release */
	uint32_t head_cache;	  /* last head seen; avail >= head_cache - tail */
	uint32_t bad_index;	  /* the head that stopped the end */
	bool stopped;		  /* peer protocol error: the ring stays empty */
};

/* Bytes a ring of `slots` x `slot_size` needs (before page rounding). */
static inline size_t ring_bytes(uint32_t slots, uint32_t slot_size)
{
	return TESS_CHAN_HDR_SIZE + (size_t)slots * slot_size;
}

/* A power-of-two slot count and sizes within the kernel's limits. */
static inline bool ring_geometry_ok(uint32_t slots, uint32_t slot_size)
{
	return slots != 0 && (slots & (slots - 1)) == 0 && slots <= TESS_MAX_SLOTS && slot_size != 0 &&
	       slot_size <= TESS_MAX_SLOT_SIZE;
}

/* Format a channel before either end attaches (the kernel does, at boot
 * and when it re-formats a stopped channel: kern/chan.c); both ends see
 * indices 0. Returns false on bad geometry. */
static inline bool ring_init(void *mem, uint32_t slots, uint32_t slot_size)
{
	struct tess_ring_shm *r = (struct tess_ring_shm *)mem;

	if (!ring_geometry_ok(slots, slot_size))
		return false;
	memset(r, 0, TESS_CHAN_HDR_SIZE);
	r->slots = slots;
	r->slot_size = slot_size;
	atomic_store_explicit(&r->head, 0, memory_order_relaxed);
	atomic_store_explicit(&r->tail, 0, memory_order_relaxed);
	atomic_store_explicit(&r->producer_waiting, 0, memory_order_relaxed);
	atomic_store_explicit(&r->consumer_waiting, 0, memory_order_relaxed);
	/* Magic last: an end that sees it also sees the geometry. */
	atomic_store_explicit(&r->magic, TESS_RING_MAGIC, memory_order_release);
	return true;
}

/* The header says a ring was formatted with a usable geometry. Only for
 * ring_*_attach, where both ends are one trusted program (tests, the
 * benchmark); shards and the kernel never read the header. */
static inline bool ring_shm_ok(struct tess_ring_shm *r)
{
	uint32_t magic = atomic_load_explicit(&r->magic, memory_order_acquire);
	return magic == TESS_RING_MAGIC && ring_geometry_ok(r->slots, r->slot_size);
}

/* Where a stopped end's shared lines point (ring.h "Trust"): private to
 * the program, so what a stopped end still stores (a commit or release of
 * slots it had before the stop, a waiting flag) lands here, not in the
 * ring, and the fast paths need no test of `stopped`. Nothing reads it. */
static inline struct tess_ring_shm *ring_sink(void)
{
	static struct tess_ring_shm sink;
	return &sink;
}

/* The window an honest peer's index lies in: `seen` in [lo, lo + span]. */
static inline bool ring_index_ok(uint32_t seen, uint32_t lo, uint32_t span)
{
	return seen - lo <= span;
}

#include <tessera/ring_prod.h>
#include <tessera/ring_cons.h>

#endif
