/* Read-only queries over the console (kern/inspect/, docs/inspect.md).
 * They travel in the hot-reload frames (kern/reload/frame.c: SOH, COBS,
 * 0x00, CRC-32) with types of their own; the console's frame decoder
 * (reload_rx_byte) hands every frame of the query type here, on the
 * console core. Each valid query gets exactly one ANSWER; anything else
 * gets nothing. Nothing a query does changes the system's state. */
#ifndef KERN_INSPECT_H
#define KERN_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#define INSPECT_QUERY  0x30 /* host: what u8, id u16, offset u16, cursor u64 */
#define INSPECT_ANSWER 0x31 /* kernel: what u8, status u8, id u16, record */

void inspect_query(uint32_t seq, const uint8_t *payload, size_t len);

/* ---- what the platform tells about itself (plat_*, for `inspect system`) ---- */

struct plat_part {
	char name[32]; /* NUL padded: "kernel" or a shard's name */
	uint32_t kind; /* 0 kernel, 1 shard */
	uint64_t size, version;
	uint8_t sha256[32];
};

/* Its name in the tool's arch table ("aarch64", ..., "host"). */
const char *plat_arch_name(void);
/* The kernel's build id (*id, returned length; 0: none). */
unsigned plat_build_id(const uint8_t **id);
/* Part i of the image the system booted (the kernel first): 0, or -1 past
 * the last. */
int plat_image_part(unsigned i, struct plat_part *out);

#endif
