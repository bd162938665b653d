/* The shard's main loop (docs/design.md "Execution model"): the kernel never
 * calls into a shard, it resumes it from the yield system call below. */
#include <stdbool.h>
#include <stddef.h>
#include <tessera/runtime.h>
#include <tessera/shard.h>
#include "rt.h"

/* Optional entries: undefined weak symbols resolve to NULL. */
extern void shard_notified(tess_set_t set) __attribute__((weak));
extern void shard_poll(void) __attribute__((weak));

/* Whether the loop polls, per lane: shards that define shard_poll, unless
 * they switched it off with tess_poll(false). */
static bool polling[TESS_MAX_LANES];

void tess_poll(bool on)
{
	polling[rt_lane()] = on && shard_poll;
}

/* Every yield ends an entry: the peers of what it moved are told first. */
static tess_set_t yield(enum tess_yield_mode mode)
{
	rt_chan_flush();
	return tess_syscall(TESS_SYS_YIELD, mode, 0, 0, 0);
}

/* A notified shard sleeps only after the ring sleep protocol has armed its
 * channel ends (ring.h): if an end is already ready it takes a poll turn
 * (fair to the core's other shards) and is dispatched with that end's bit.
 * With nothing it can do (nothing ready, or back-pressured) it first looks
 * again for tess_idle_polls poll turns, without arming, so that its peers
 * need not notify it. */
static unsigned idle_polls;

static tess_set_t wait_for_events(void)
{
	static unsigned idle_turns[TESS_MAX_LANES]; /* each lane its own */
	unsigned *idle = &idle_turns[rt_lane()];
	bool backpressured;
	tess_set_t ready, set;

	if (*idle < idle_polls) {
		ready = rt_chan_look(&backpressured);
		*idle = ready ? 0 : *idle + 1;
		return ready | yield(TESS_YIELD_POLL);
	}
	*idle = 0;
	ready = rt_chan_arm();
	if (ready) {
		rt_chan_disarm();
		return ready | yield(TESS_YIELD_POLL);
	}
	set = yield(TESS_YIELD_WAIT);
	rt_chan_disarm();
	return set;
}

/* Every lane runs this loop on its own stack; shard_init runs once, on lane
 * 0, and the kernel lets the other lanes in after its first yield. */
void tess_runtime_main(enum tess_start_reason why)
{
	unsigned lane = rt_lane();

	rt_chan_setup();
	idle_polls = tess_idle_polls ? tess_idle_polls() : 0;
	polling[lane] = shard_poll != NULL;
	if (lane == 0)
		shard_init(why);
	for (;;) {
		tess_set_t set = polling[lane] ? yield(TESS_YIELD_POLL) : wait_for_events();

		if (set && shard_notified)
			shard_notified(set);
		else if (polling[lane])
			shard_poll();
	}
}
