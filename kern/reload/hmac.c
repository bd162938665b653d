/* HMAC-SHA-256 written from RFC 2104 (section 2) on the image loader's
 * SHA-256 (kern/image/sha256.c, FIPS 180-4); tested against RFC 4231's
 * vectors in tests/reload. */
#include "internal.h"
#include "../image/sha256.h"

#define SHA256_BLOCK 64
#define SHA256_LEN   32

void reload_hmac_sha256(const uint8_t *key, size_t keylen, const void *msg, size_t len, uint8_t out[32])
{
	uint8_t k[SHA256_BLOCK] = {0}, pad[SHA256_BLOCK], inner[SHA256_LEN];
	struct sha256 c;

	/* RFC 2104 2: keys longer than the block are hashed first. */
	if (keylen > SHA256_BLOCK)
		sha256(key, keylen, k);
	else
		memcpy(k, key, keylen);

	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x36; /* ipad */
	sha256_init(&c);
	sha256_update(&c, pad, sizeof pad);
	sha256_update(&c, msg, len);
	sha256_final(&c, inner);

	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c; /* opad */
	sha256_init(&c);
	sha256_update(&c, pad, sizeof pad);
	sha256_update(&c, inner, sizeof inner);
	sha256_final(&c, out);
}

/* Time independent of where the first difference is, so a forger cannot
 * learn a valid MAC byte by byte from response timing. */
bool reload_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= a[i] ^ b[i];
	return acc == 0;
}
