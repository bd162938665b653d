/* Internal interfaces between the runtime's files (not for shard sources). */
#ifndef TESS_RUNTIME_RT_H
#define TESS_RUNTIME_RT_H

#include <stdbool.h>
#include <tessera/abi.h>
#include <tessera/lane.h>

/* The calling lane, as an index into per-lane arrays of TESS_MAX_LANES. */
static inline unsigned rt_lane(void)
{
	unsigned l = tess_lane();

	return l < TESS_MAX_LANES ? l : 0;
}

/* channel.c: attach every end of the calling lane to its ring. Each lane
 * touches only its own ends (tess_self.ends[i].lane): a channel has one
 * producer and one consumer. */
void rt_chan_setup(void);
/* channel.c: the end of an entry: notify every peer that sleeps on an end
 * the lane's entry committed to or released (before any yield). */
void rt_chan_flush(void);
/* channel.c: what rt_chan_arm would find, without arming anything: the
 * lane's ends that are ready now; *backpressured if an output the lane
 * found full is still full. */
tess_set_t rt_chan_look(bool *backpressured);
/* channel.c: run the sleep protocol on the lane's ends before a WAIT
 * yield. Returns the ends that are ready now (then the caller must not
 * sleep). */
tess_set_t rt_chan_arm(void);
/* channel.c: clear every waiting flag this lane armed. */
void rt_chan_disarm(void);

#endif
