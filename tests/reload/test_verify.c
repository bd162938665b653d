/* The package verifier: an accepted package, and each refusal's exact text. */
#include "t.h"

static uint8_t payload[T_SHARD_MEM + 1], pkg[T_SHARD_MEM + 1 + PKG_OVERHEAD];

static const char *verdict(const uint8_t *p, size_t n, const char *want_name)
{
	static struct verdict v;
	if (reload_verify(&tess_system, tess_reload_key, RELOAD_KEY_LEN, p, n, want_name, &v) == 0)
		return "ok";
	return v.reason;
}

static size_t good(size_t n)
{
	return t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA, T_SHARD_VA, payload, n, 7, tess_reload_key);
}

int main(void)
{
	struct verdict v;
	uint8_t other[RELOAD_KEY_LEN] = {1};
	for (size_t i = 0; i < sizeof payload; i++)
		payload[i] = (uint8_t)(i * 31);

	size_t n = good(1000);
	CHECK(n == 1000 + PKG_OVERHEAD);
	CHECK(reload_verify(&tess_system, tess_reload_key, RELOAD_KEY_LEN, pkg, n, "filter", &v) == 0);
	CHECK(v.cfg == &tess_system.shards[0] && v.version == 7 && v.len == 1000);
	CHECK(v.payload == pkg + PKG_HDR);
	CHECK_STR(verdict(pkg, n, NULL), "ok");
	/* Exactly the region's size fits; one more byte does not. */
	CHECK_STR(verdict(pkg, good(T_SHARD_MEM), "filter"), "ok");
	CHECK_STR(verdict(pkg, good(T_SHARD_MEM + 1), "filter"), "image too large (65537 > 65536 bytes)");

	n = good(1000);
	CHECK_STR(verdict(pkg, n - 1, "filter"), "truncated");
	CHECK_STR(verdict(pkg, PKG_OVERHEAD - 1, "filter"), "truncated");
	CHECK_STR(verdict(pkg, n, "sink"), "package is for 'filter', not the announced shard");

	n = t_make_pkg(pkg, "router", t_hash, T_SHARD_PA, T_SHARD_VA, payload, 10, 1, tess_reload_key);
	CHECK_STR(verdict(pkg, n, NULL), "unknown shard 'router'");
	n = t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA + 4096, T_SHARD_VA, payload, 10, 1, tess_reload_key);
	CHECK_STR(verdict(pkg, n, NULL), "load address mismatch");
	uint8_t h2[32];
	memcpy(h2, t_hash, 32), h2[31] ^= 0x80;
	n = t_make_pkg(pkg, "filter", h2, T_SHARD_PA, T_SHARD_VA, payload, 10, 1, tess_reload_key);
	CHECK_STR(verdict(pkg, n, NULL), "manifest hash mismatch");
	n = t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA, T_SHARD_VA, payload, 10, 1, other);
	CHECK_STR(verdict(pkg, n, NULL), "bad signature");
	/* A payload byte changed after signing: the MAC catches it first. */
	n = good(1000);
	pkg[PKG_HDR + 500] ^= 1;
	CHECK_STR(verdict(pkg, n, NULL), "bad signature");
	/* Signed with the right key, but the header's SHA-256 is wrong. */
	n = good(1000);
	pkg[PKG_SHA_AT] ^= 1;
	reload_hmac_sha256(tess_reload_key, RELOAD_KEY_LEN, pkg, n - PKG_MAC, pkg + n - PKG_MAC);
	CHECK_STR(verdict(pkg, n, NULL), "sha-256 mismatch");

	/* The code pages must lie in the region (16 pages of 4 KiB). */
	n = good(1000);
	reload_put_le32(pkg + PKG_XP_AT, 16);
	reload_hmac_sha256(tess_reload_key, RELOAD_KEY_LEN, pkg, n - PKG_MAC, pkg + n - PKG_MAC);
	CHECK(reload_verify(&tess_system, tess_reload_key, RELOAD_KEY_LEN, pkg, n, NULL, &v) == 0 &&
	      v.exec_pages == 16);
	reload_put_le32(pkg + PKG_XP_AT, 17);
	reload_hmac_sha256(tess_reload_key, RELOAD_KEY_LEN, pkg, n - PKG_MAC, pkg + n - PKG_MAC);
	CHECK_STR(verdict(pkg, n, NULL), "exec pages beyond the shard's memory");

	n = good(10);
	pkg[0] = 'X';
	CHECK_STR(verdict(pkg, n, NULL), "not a tessera package");
	n = good(10);
	pkg[4] = 2;
	CHECK_STR(verdict(pkg, n, NULL), "unsupported package format");
	n = good(10);
	pkg[PKG_KIND_AT] = 0; /* a kernel part, not a shard */
	CHECK_STR(verdict(pkg, n, NULL), "unsupported package format");
	n = good(10);
	memset(pkg + PKG_NAME_AT, 'a', PKG_NAME);
	CHECK_STR(verdict(pkg, n, NULL), "bad shard name");
	n = good(10);
	pkg[PKG_NAME_AT + 1] = '\n';
	CHECK_STR(verdict(pkg, n, NULL), "bad shard name");
	n = good(10);
	memcpy(pkg + n, "xx", 2);
	CHECK_STR(verdict(pkg, n + 2, NULL), "trailing bytes after the package");
	T_DONE("reload_verify");
}
