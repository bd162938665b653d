/* The stand-in shard environment of tests/ring (see shard_cfg.c). */
#ifndef TESS_STANDIN_H
#define TESS_STANDIN_H

#include <stdint.h>
#include <tessera/abi.h>
#include <tessera/limits.h>

#define STANDIN_SLOTS	   8
#define STANDIN_RING_BYTES (TESS_CHAN_HDR_SIZE + STANDIN_SLOTS * 64)

extern uint8_t standin_in_ring[STANDIN_RING_BYTES];
extern uint8_t standin_out_ring[STANDIN_RING_BYTES];
extern struct tess_ctrl standin_ctrl;
extern uint8_t standin_persist[4096];
extern uint8_t standin_region[4096];

#endif
