/* ring_evil: a hostile producer (tests/sim/test_sim_hostile_ring.py, issue
 * 10 item 2). Its consumer, ring_victim, must keep running, count the
 * protocol error, and deliver every sequence number at most once, in order.
 *  - First start: scribbles the ring's header (magic, slots, slot_size),
 *    which the ends must not trust, and produces seq 0, 1, ... (one u64 per
 *    64-byte slot).
 *  - Once EVIL_AT messages are out: publishes head + 2^31 (and notifies the
 *    consumer so it looks) for EVIL_HOLD_NS, then its true head again, and
 *    goes on producing (into a ring the stopped consumer no longer drains).
 *  - Then faults on purpose: its restart lets the kernel re-format the ring;
 *    its next life produces EVIL_BASE, EVIL_BASE + 1, ... */
#include <stdint.h>
#include <tessera/ring.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define EVIL_AT	     20000u
#define EVIL_HOLD_NS 100000000ull /* 100 ms */
#define EVIL_BASE    1000000u

static struct tess_ring_shm *ring;
static uint64_t seq, phase_at;
static enum { PRODUCE, HOLD, DRAIN, DONE } phase;

/* A deliberate fault the simulator's SIGSEGV handler sees (no sanitizer
 * check on the way). */
__attribute__((no_sanitize("address", "undefined"), noinline)) static void crash(void)
{
	static volatile uint32_t *volatile nowhere = (volatile uint32_t *)16; /* opaque to -Warray-bounds */

	*nowhere = 1;
}

void shard_init(enum tess_start_reason why)
{
	ring = (struct tess_ring_shm *)(uintptr_t)tess_self.ends[TESS_CH_EVIL].va;
	if (why == TESS_START_FIRST) {
		atomic_store(&ring->magic, 0);
		ring->slots = 1u << 20;
		ring->slot_size = 8;
		tess_log("up, scribbled the ring header");
		seq = 0;
	} else {
		tess_log("up again (reason %d), producing from %u", why, EVIL_BASE);
		seq = EVIL_BASE;
	}
	phase = why == TESS_START_FIRST ? PRODUCE : DONE;
}

static void produce(struct tess_chan *out)
{
	void *s[16];
	unsigned n = tess_reserve_burst(out, s, 16);

	for (unsigned i = 0; i < n; i++)
		*(uint64_t *)s[i] = seq++;
	tess_commit(out, n);
}

void shard_poll(void)
{
	struct tess_chan *out = tess_out(0);
	uint64_t now = tess_time_ns();
	uint32_t head;

	switch (phase) {
	case PRODUCE:
		produce(out);
		if (seq < EVIL_AT)
			return;
		head = atomic_load(&ring->head);
		atomic_store(&ring->head, head + 0x80000000u);
		tess_syscall(TESS_SYS_NOTIFY, TESS_CH_EVIL, 0, 0, 0);
		tess_log("published head %u + 2^31 after seq %llu", head, (unsigned long long)(seq - 1));
		phase_at = now;
		phase = HOLD;
		return;
	case HOLD:
		if (now - phase_at < EVIL_HOLD_NS)
			return;
		atomic_store(&ring->head, atomic_load(&ring->head) - 0x80000000u);
		tess_log("true head restored");
		phase_at = now;
		phase = DRAIN;
		return;
	case DRAIN: /* fills what the stopped consumer no longer drains */
		produce(out);
		if (now - phase_at < EVIL_HOLD_NS)
			return;
		tess_log("faulting on purpose after seq %llu", (unsigned long long)(seq - 1));
		crash();
		return;
	case DONE:
		produce(out);
		return;
	}
}
