/* SHA-256 (FIPS 180-4), freestanding. A local stand-in until the image
 * loader's SHA-256 in kern/image/ lands; the API is deliberately plain so
 * that swapping the implementation changes only this header's users' link. */
#ifndef RELOAD_SHA256_H
#define RELOAD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN   32
#define SHA256_BLOCK 64

struct sha256_ctx {
	uint32_t h[8];
	uint64_t bytes; /* total message length so far */
	uint8_t buf[SHA256_BLOCK];
	size_t n; /* bytes in buf */
};

void rl_sha256_init(struct sha256_ctx *c);
void rl_sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void rl_sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_LEN]);
void rl_sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

#endif
