/* SHA-256 (kern/image/sha256.c, which HMAC builds on) against the FIPS 180-4 examples, HMAC-SHA-256 against
 * RFC 4231, a package's digests fed in chunks against the whole-buffer ones, CRC-32 against the standard
 * check value, and the constant-time compare. */
#include "t.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void sha(const void *m, size_t n, const char *want)
{
	uint8_t d[32];
	char h[65];
	sha256(m, n, d);
	hex(d, 32, h);
	CHECK_STR(h, want);
}

static void hmac(const uint8_t *k, size_t kn, const char *m, const char *want)
{
	uint8_t d[32];
	char h[65];
	reload_hmac_sha256(k, kn, m, strlen(m), d);
	hex(d, 32, h);
	CHECK_STR(h, want);
}

int main(void)
{
	static uint8_t big[1000000];
	uint8_t k[131];

	sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(big, 'a', sizeof big);
	sha(big, sizeof big, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* Incremental updates across block boundaries give the same digest. */
	struct sha256 c;
	uint8_t d1[32], d2[32];
	sha256_init(&c);
	for (size_t i = 0; i < 1000; i += 7)
		sha256_update(&c, big + i, i + 7 <= 1000 ? 7 : 1000 - i);
	sha256_final(&c, d1);
	sha256(big, 1000, d2);
	CHECK(memcmp(d1, d2, 32) == 0);

	memset(k, 0x0b, 20);
	hmac(k, 20, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac((const uint8_t *)"Jefe", 4, "what do ya want for nothing?",
	     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 131);
	hmac(k, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
	     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

	/* A package's digests fed chunk by chunk as DATA frames bring them
	 * (any sizes, across the header/payload/MAC boundaries) equal the
	 * whole-buffer HMAC over [0, len - 32) and SHA-256 over [160, len - 32). */
	for (unsigned chunk = 1; chunk <= 300; chunk += 37) {
		struct reload_digest dg;
		uint8_t mac[32], sha_[32], want_mac[32], want_sha[32];
		const size_t len = 5000;

		for (size_t i = 0; i < len; i++)
			big[i] = (uint8_t)(i * 131 + chunk);
		reload_digest_begin(&dg, k, 32, (uint32_t)len);
		for (size_t i = 0; i < len; i += chunk)
			reload_digest_feed(&dg, big + i, i + chunk <= len ? chunk : len - i);
		reload_digest_end(&dg, k, 32, mac, sha_);
		reload_hmac_sha256(k, 32, big, len - 32, want_mac);
		sha256(big + 160, len - 32 - 160, want_sha);
		CHECK(memcmp(mac, want_mac, 32) == 0);
		CHECK(memcmp(sha_, want_sha, 32) == 0);
	}

	CHECK(reload_crc32("123456789", 9) == 0xcbf43926u);
	CHECK(reload_crc32("", 0) == 0);

	CHECK(reload_ct_equal(d1, d2, 32));
	d2[31] ^= 1;
	CHECK(!reload_ct_equal(d1, d2, 32));
	T_DONE("reload_crypto");
}
