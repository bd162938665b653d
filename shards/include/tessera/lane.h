/* Lanes of a multi-core shard (docs/design.md "Lanes"): one image and one
 * address space, an execution context on each core of the manifest's
 * `cores`. Lanes share the shard's memory (globals, persistent memory,
 * regions) and synchronise with C11 atomics; each has its own stack,
 * control page and channel ends. */
#ifndef TESSERA_LANE_H
#define TESSERA_LANE_H

#include <stdint.h>

/* This lane's index (0 .. tess_nlanes() - 1) and the shard's lane count.
 * Single-core shards: 0 and 1. */
unsigned tess_lane(void);
unsigned tess_nlanes(void);

/* A 64-bit mix of a flow key (splitmix64's finaliser): spreads flows that
 * differ in few bits over all lanes. */
static inline uint64_t tess_flow_hash(uint64_t key)
{
	key ^= key >> 30;
	key *= 0xbf58476d1ce4e5b9ull;
	key ^= key >> 27;
	key *= 0x94d049bb133111ebull;
	return key ^ (key >> 31);
}

/* The producer side of a fan-out (TESS_FAN_<NAME>_PICK in the generated
 * header): the event bit of the lane ring for `hash`, bit0 + hash mod
 * lanes. The same hash always picks the same lane, so one flow stays in
 * order; the result is one of the fan-out's own bits whatever the hash. */
static inline unsigned tess_fan_pick(unsigned bit0, unsigned lanes, uint64_t hash)
{
	return bit0 + (lanes ? (unsigned)(hash % lanes) : 0u);
}

#endif
