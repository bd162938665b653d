/* Hot reload over the console UART (kern/reload/, protocol and swap:
 * docs/reload.md): what platforms call. Frames are decoded out of the
 * console RX byte stream, the package is reassembled in the planned
 * staging buffer, verified (size, manifest hash, HMAC-SHA-256, SHA-256)
 * and handed to the swap, and the host hears the verdict.
 *
 * Not reentrant: call reload_rx_byte and reload_poll from one core at a
 * time (e.g. the boot core's console RX and tick path). */
#ifndef KERN_RELOAD_H
#define KERN_RELOAD_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/tables.h>

/* HMAC-SHA-256 key length; the build generates out/<system>.key. */
#define RELOAD_KEY_LEN 32

/* The device key, embedded in the kernel image by the build. */
extern const uint8_t tess_reload_key[RELOAD_KEY_LEN];

/* Once, after kern_boot() and before the first RX byte: the protocol on
 * the plan's staging buffer (tess_system.reload_staging_pa/size) with
 * tess_reload_key. Returns -1 (reload stays off, frames are ignored) if
 * the plan has no staging buffer. */
int reload_init(void);
/* Every byte received on the console UART. Bytes outside frames (typed
 * text) are ignored. */
void reload_rx_byte(uint8_t b);
/* Periodically, on the core that feeds reload_rx_byte (each tick is
 * fine): sends a finished swap's verdict to the host, and abandons a
 * stalled transfer. The verdict waits for it. */
void reload_poll(uint64_t now_ns);

/* During a swap (from the request until the outcome is taken): pages from
 * the start of the new image holding code and read-only data, to be mapped
 * read + execute (the rest read-write): the package's part descriptor's
 * exec_pages, as the image's part table carries it for the boot image. */
uint32_t reload_exec_pages(void);

#endif
