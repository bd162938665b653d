/* Hot reload over the console UART, kernel side (protocol: docs/reload.md).
 *
 * kern/reload/ implements the reload_* functions: it decodes frames out of
 * the console RX byte stream, reassembles the package in a staging buffer,
 * verifies it (size, manifest hash, HMAC-SHA-256, SHA-256) and answers the
 * host. kern/ implements kern_reload_apply() (the swap) and kern_reload_tx().
 *
 * Not reentrant: call reload_rx_byte, reload_poll and reload_finish from one
 * core at a time (e.g. the boot core's console RX and tick path). */
#ifndef KERN_RELOAD_H
#define KERN_RELOAD_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/tables.h>

/* HMAC-SHA-256 key length; the build generates out/<system>.key. */
#define RELOAD_KEY_LEN 32
/* A transfer with no frame for this long is abandoned, staging dropped. */
#define RELOAD_STALL_NS 3000000000ull
/* kern_reload_apply: the swap happens later; reload_finish reports it. */
#define RELOAD_APPLY_PENDING 1

/* The device key, embedded in the kernel image by the build. */
extern const uint8_t tess_reload_key[RELOAD_KEY_LEN];

/* Once at boot, before the first RX byte. `staging` is planner-reserved
 * memory of `cap` bytes that holds one incoming package; `key` is the
 * HMAC key (normally tess_reload_key). Without init, frames are ignored. */
void reload_init(void *staging, size_t cap, const uint8_t *key, size_t keylen);
/* Every byte received on the console UART. Bytes outside frames (typed
 * text) are ignored. */
void reload_rx_byte(uint8_t b);
/* Periodically (each tick is fine): abandons a stalled transfer. */
void reload_poll(uint64_t now_ns);
/* When kern_reload_apply returns (or will return) RELOAD_APPLY_PENDING:
 * the swap's outcome (accepted: the new image runs with `version`;
 * otherwise `reason`, e.g. "rolled back (fault in init)"). Releases the
 * staging buffer. */
void reload_finish(int accepted, uint64_t version, const char *reason);

/* During a swap (from kern_reload_apply until reload_finish): pages from
 * the start of the new image holding code and read-only data, to be mapped
 * read + execute (the rest read-write): the package's part descriptor's
 * exec_pages, as the image's part table carries it for the boot image. */
uint32_t reload_exec_pages(void);

/* ---- implemented by kern/ ---- */

/* A verified package: swap shard `cfg` to `payload` (in staging memory,
 * valid until the result is reported). Returns 0 when the new image is
 * installed, RELOAD_APPLY_PENDING when reload_finish() will report later,
 * or a negative value when the swap is refused. */
int kern_reload_apply(const struct tess_shard_cfg *cfg, const void *payload, size_t len, uint64_t version);
/* Write a binary frame to the console UART as one unit (under the console
 * lock, so it never lands inside another line's bytes). */
void kern_reload_tx(const void *buf, size_t n);
/* For platforms, after kern_boot(): reload_init() on the planned staging
 * buffer (tess_system.reload_staging_pa/size) with tess_reload_key.
 * Returns -1 (reload stays off) if the plan has no staging buffer. */
int kern_reload_init(void);
/* For platforms, instead of reload_poll(), on the core that feeds
 * reload_rx_byte(): delivers a finished swap's verdict (reload_finish),
 * then reload_poll(now_ns). Each tick is fine; the verdict waits for it. */
void kern_reload_poll(uint64_t now_ns);

#endif
