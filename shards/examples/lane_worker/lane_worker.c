/* lane_worker: a multi-core shard behind a fan-out. Every lane forwards its
 * own input ring to its own output ring (tess_in(0), tess_out(0) are the
 * calling lane's), like filter; the lanes share the shard's memory and
 * count what they forwarded in one array of C11 atomics.
 *
 * WORK (config, default 0): rounds of tess_flow_hash per packet, a stage's
 * compute cost for bench/lanes.py (the digest goes into the payload).
 *
 * For the tests (config, once per boot: a flag in persistent memory
 * survives the restart): FAULT_LANE faults (a write to address 0) at its
 * FAULT_AT-th entry; HANG_LANE spins without yielding at its HANG_AT-th.
 * Both at the start of an entry, with nothing half forwarded. */
#include <stdatomic.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/fault.h"
#include "../common/pkt.h"

#ifndef TESS_CFG_WORK
#define TESS_CFG_WORK 0
#endif
#ifndef TESS_CFG_FAULT_LANE
#define TESS_CFG_FAULT_LANE (-1)
#define TESS_CFG_FAULT_AT   0
#endif
#ifndef TESS_CFG_HANG_LANE
#define TESS_CFG_HANG_LANE (-1)
#define TESS_CFG_HANG_AT   0
#endif

static _Atomic uint64_t entries[TESS_MAX_LANES];
static _Atomic uint32_t *once; /* persistent: bit 0 faulted, bit 1 hung */

void shard_init(enum tess_start_reason why)
{
	size_t size = 0;

	once = tess_persistent(&size);
	if (size < sizeof(*once))
		once = NULL;
	for (unsigned l = 0; l < TESS_MAX_LANES; l++)
		atomic_store(&entries[l], 0);
	tess_log("up (reason %d), %u lanes", why, tess_nlanes());
}

FAULT_NO_SANITIZE static void write_null(void)
{
	*(volatile uint32_t *)(uintptr_t)0 = 1;
}

static const unsigned rounds = TESS_CFG_WORK;

static void work(struct pkt *p)
{
	uint64_t h = p->seq;

	for (unsigned i = 0; i < rounds; i++)
		h = tess_flow_hash(h);
	__builtin_memcpy(p->payload + 8, &h, sizeof(h));
}

/* Whether to play `what` (a bit of *once) now, on this lane. */
static bool play(unsigned lane, uint64_t entry, int which, uint64_t at, uint32_t what)
{
	if (!once || which != (int)lane || entry != at)
		return false;
	return !(atomic_fetch_or(once, what) & what);
}

void shard_notified(tess_set_t set)
{
	unsigned lane = tess_lane();
	uint64_t entry = atomic_fetch_add(&entries[lane % TESS_MAX_LANES], 1) + 1;

	(void)set;
	if (entry == 1)
		tess_log("lane %u on core %u", lane, tess_ctrl()->core);
	if (play(lane, entry, TESS_CFG_FAULT_LANE, TESS_CFG_FAULT_AT, 1))
		write_null();
	if (play(lane, entry, TESS_CFG_HANG_LANE, TESS_CFG_HANG_AT, 2))
		for (;;)
			;
	pkt_forward_work(tess_in(0), tess_out(0), 0, rounds ? work : 0);
}
