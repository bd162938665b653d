/* A hand-written four-shard system for the tests:
 *   core 0: a, b, c (manifest order); core 1: d
 *   channel ab: a (end 0) -> b (end 0); channel bd: b (end 1) -> d (end 0)
 *   b is granted irq 33 as event bit 2.
 * Non-const so a test can change policies or limits before booting. */
#ifndef FAKE_SYS4_H
#define FAKE_SYS4_H

#include <tessera/tables.h>

enum { A = 0, B = 1, C = 2, D = 3 };
#define SYS4_IRQ 33u

extern struct tess_shard_cfg sys4_shards[4];
extern struct tess_chan_cfg sys4_chans[2];
extern struct tess_core_cfg sys4_cores[2];
extern struct tess_system_cfg sys4;

/* Restores the tables to the values above. */
void sys4_reset(void);

#endif
