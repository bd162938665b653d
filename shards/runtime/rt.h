/* Internal interfaces between the runtime's files (not for shard sources). */
#ifndef TESS_RUNTIME_RT_H
#define TESS_RUNTIME_RT_H

#include <stdbool.h>
#include <tessera/abi.h>

/* channel.c: attach every end of tess_self to its ring. */
void rt_chan_setup(void);
/* channel.c: the end of an entry: notify every peer that sleeps on an end
 * this entry committed to or released (before any yield). */
void rt_chan_flush(void);
/* channel.c: what rt_chan_arm would find, without arming anything: the
 * ends that are ready now; *backpressured if an output the shard found
 * full is still full. */
tess_set_t rt_chan_look(bool *backpressured);
/* channel.c: run the sleep protocol on every end before a WAIT yield.
 * Returns the ends that are ready now (then the caller must not sleep). */
tess_set_t rt_chan_arm(void);
/* channel.c: clear every waiting flag this shard armed. */
void rt_chan_disarm(void);

#endif
