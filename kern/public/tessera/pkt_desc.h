/* A packet channel's descriptor and buffer geometry (the zero-copy
 * convention, <tessera/pkt.h>, docs/drivers.md "Packet channels"): shared
 * by the shards' runtime and the kernel, which reads descriptors for
 * `tessera capture` (kern/inspect/capture.c). */
#ifndef TESSERA_PKT_DESC_H
#define TESSERA_PKT_DESC_H

#include <stdint.h>

#define TESS_PKT_BUF_SIZE 2048u
#define TESS_PKT_HEADROOM 64u
/* The longest frame a buffer holds after the headroom. */
#define TESS_PKT_MAX_LEN (TESS_PKT_BUF_SIZE - TESS_PKT_HEADROOM)

struct tess_pkt {
	uint32_t off;	/* of the frame, from the start of the packet region */
	uint16_t len;	/* frame bytes */
	uint16_t flags; /* TESS_PKT_F_* */
	uint32_t tag;	/* the owner's; passed back unchanged */
	uint32_t meta;	/* free for the stages */
};

#define TESS_PKT_F_FREE	 0x1u /* to the owner: a dropped packet's buffer, not for transmit */
#define TESS_PKT_F_STATS 0x2u /* a counters query: every stage it passes logs its counters */

#endif
