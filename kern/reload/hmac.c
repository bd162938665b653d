/* HMAC-SHA-256 written from RFC 2104 (section 2) on the image loader's
 * SHA-256 (kern/image/sha256.c, FIPS 180-4), whole or as init / any number
 * of sha256_update / final (the protocol hashes a package chunk by chunk
 * as it arrives); tested against RFC 4231's vectors in tests/reload. */
#include "internal.h"
#include "../image/sha256.h"

#define SHA256_BLOCK 64
#define SHA256_LEN   32

/* RFC 2104 2: K padded (or hashed, if longer than a block) to a block. */
static void block_key(const uint8_t *key, size_t keylen, uint8_t k[SHA256_BLOCK])
{
	memset(k, 0, SHA256_BLOCK);
	if (keylen > SHA256_BLOCK)
		sha256(key, keylen, k);
	else
		memcpy(k, key, keylen);
}

/* H(K ^ pad || ...): a context with the padded key hashed in. */
static void keyed(struct sha256 *c, const uint8_t *key, size_t keylen, uint8_t pad)
{
	uint8_t k[SHA256_BLOCK];

	block_key(key, keylen, k);
	for (int i = 0; i < SHA256_BLOCK; i++)
		k[i] ^= pad;
	sha256_init(c);
	sha256_update(c, k, sizeof k);
}

void reload_hmac_init(struct sha256 *inner, const uint8_t *key, size_t keylen)
{
	keyed(inner, key, keylen, 0x36); /* ipad */
}

void reload_hmac_final(struct sha256 *inner, const uint8_t *key, size_t keylen, uint8_t out[32])
{
	uint8_t digest[SHA256_LEN];
	struct sha256 outer;

	sha256_final(inner, digest);
	keyed(&outer, key, keylen, 0x5c); /* opad */
	sha256_update(&outer, digest, sizeof digest);
	sha256_final(&outer, out);
}

void reload_hmac_sha256(const uint8_t *key, size_t keylen, const void *msg, size_t len, uint8_t out[32])
{
	struct sha256 c;

	reload_hmac_init(&c, key, keylen);
	sha256_update(&c, msg, len);
	reload_hmac_final(&c, key, keylen, out);
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
