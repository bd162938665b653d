/* SHA-256 (FIPS 180-4), freestanding: used at boot to verify image parts
 * and by hot reload (kern/reload/hmac.c). */
#ifndef KERN_IMAGE_SHA256_H
#define KERN_IMAGE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	unsigned fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
void sha256_final(struct sha256 *c, uint8_t out[32]);
void sha256(const void *data, size_t n, uint8_t out[32]);

/* The compression function (FIPS 180-4 6.2.2) over n 64-byte blocks. */
typedef void sha256_blocks_fn(uint32_t h[8], const uint8_t *p, size_t n);
/* The portable one: C, a word at a time. */
void sha256_blocks_c(uint32_t h[8], const uint8_t *p, size_t n);
/* 4.2.2, for the CPU implementations too. */
extern const uint32_t sha256_k[64];
/* Hash with `f` from now on (the CPU's own instructions) if it and the
 * portable function both compute the FIPS 180-4 examples right: 0; -1 if
 * `f` does not (the portable function stays), -2 if the portable one does
 * not. Platforms go through tess_image_sha256 (image.h), which logs. */
int sha256_select(sha256_blocks_fn *f);

#endif
