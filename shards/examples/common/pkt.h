/* The example pipeline's packet (pktgen -> filter -> sink): one 64-byte
 * channel slot. Not a shard: included as "../common/pkt.h". */
#ifndef TESS_EXAMPLE_PKT_H
#define TESS_EXAMPLE_PKT_H

#include <stdint.h>

struct pkt {
	uint64_t seq; /* strictly increasing by 1 from 0 */
	uint32_t len; /* payload bytes used */
	uint32_t flags;
	uint8_t payload[48];
};

_Static_assert(sizeof(struct pkt) == 64, "a packet fills one 64-byte slot");

/* Set by filter: the packet's class. */
#define PKT_CLASS_EVEN 0x1u
#define PKT_CLASS_ODD  0x2u

#define PKT_BURST 32
/* Bursts a consumer moves per entry. Bounding an entry keeps it far below
 * any watchdog however far behind the shard is, and gives the core back to
 * the shards sharing it; the runtime runs the entry again at once (a poll
 * turn) while input remains. */
#define PKT_BURSTS_PER_ENTRY 8

#endif
