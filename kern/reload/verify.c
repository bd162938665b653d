/* The package verifier (docs/reload.md, "Package"). A package is the
 * shard's part as the image carries it, plus an HMAC-SHA-256 trailer:
 *   [0, 160)          header: magic "TSPK", format, header size, the part
 *                     descriptor (as in the image: name, kind, exec_pages,
 *                     offset, size, load PA, SHA-256), manifest hash, load
 *                     VA, version id (offsets in internal.h)
 *   [160, 160+size)   payload: the shard's flat image
 *   then 32 bytes     HMAC-SHA-256(key, header + payload)
 * Cheap structural checks come first, then the manifest hash, then the MAC
 * (so nothing the MAC does not cover is trusted past this point), then the
 * payload hash. Each refusal has its own reason text. The two digests are
 * computed as the bytes arrive (reload_digest, fed by proto.c per DATA
 * frame) or over a whole buffer (reload_verify). */
#include <stdarg.h>
#include "internal.h"

const struct tess_shard_cfg *reload_shard_by_name(const struct tess_system_cfg *sys, const char *name)
{
	for (unsigned i = 0; i < sys->nshards; i++)
		if (sys->shards[i].name && strcmp(sys->shards[i].name, name) == 0)
			return &sys->shards[i];
	return 0;
}

static int refuse(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tess_vsnprintf(v->reason, sizeof v->reason, fmt, ap);
	va_end(ap);
	return -1;
}

void reload_digest_begin(struct reload_digest *d, const uint8_t *key, size_t keylen, uint32_t total)
{
	reload_hmac_init(&d->mac, key, keylen);
	sha256_init(&d->payload);
	d->fed = 0;
	d->mac_end = total - PKG_MAC;
}

void reload_digest_feed(struct reload_digest *d, const uint8_t *p, size_t n)
{
	uint32_t at = d->fed;
	size_t mac_n = at >= d->mac_end ? 0 : n < d->mac_end - at ? n : d->mac_end - at;

	sha256_update(&d->mac, p, mac_n);
	if (at + mac_n > PKG_HDR) { /* the payload part of what the MAC covers */
		size_t skip = at < PKG_HDR ? PKG_HDR - at : 0;

		sha256_update(&d->payload, p + skip, mac_n - skip);
	}
	d->fed += (uint32_t)n;
}

void reload_digest_end(struct reload_digest *d, const uint8_t *key, size_t keylen, uint8_t mac[32],
		       uint8_t sha[32])
{
	reload_hmac_final(&d->mac, key, keylen, mac);
	sha256_final(&d->payload, sha);
}

int reload_verify(const struct tess_system_cfg *sys, const uint8_t *key, size_t keylen, const uint8_t *pkg,
		  size_t len, const char *want, struct verdict *v)
{
	struct reload_digest d;
	uint8_t mac[32] = {0}, sha[32] = {0};

	if (len >= PKG_OVERHEAD) {
		reload_digest_begin(&d, key, keylen, (uint32_t)len);
		reload_digest_feed(&d, pkg, len);
		reload_digest_end(&d, key, keylen, mac, sha);
	}
	return reload_verify_digests(sys, pkg, len, want, mac, sha, v);
}

int reload_verify_digests(const struct tess_system_cfg *sys, const uint8_t *pkg, size_t len, const char *want,
			  const uint8_t mac[32], const uint8_t sha[32], struct verdict *v)
{
	char name[PKG_NAME];

	v->cfg = 0, v->payload = 0, v->len = 0, v->version = 0, v->exec_pages = 0, v->reason[0] = 0;
	if (len < PKG_OVERHEAD)
		return refuse(v, "truncated");
	if (reload_le32(pkg) != PKG_MAGIC)
		return refuse(v, "not a tessera package");
	if ((pkg[4] | pkg[5] << 8) != PKG_FORMAT || (pkg[6] | pkg[7] << 8) != PKG_HDR ||
	    reload_le32(pkg + PKG_KIND_AT) != PKG_KIND_SHARD || reload_le64(pkg + PKG_OFF_AT) != PKG_HDR)
		return refuse(v, "unsupported package format");
	memcpy(name, pkg + PKG_NAME_AT, PKG_NAME);
	if (name[PKG_NAME - 1] != 0 || !reload_name_ok(name))
		return refuse(v, "bad shard name");
	const struct tess_shard_cfg *cfg = reload_shard_by_name(sys, name);
	if (!cfg)
		return refuse(v, "unknown shard '%s'", name);
	if (want && strcmp(want, name) != 0)
		return refuse(v, "package is for '%s', not the announced shard", name);

	uint64_t size = reload_le64(pkg + PKG_SIZE_AT);
	if (size > cfg->mem_size)
		return refuse(v, REASON_TOO_LARGE, (unsigned long long)size,
			      (unsigned long long)cfg->mem_size);
	if (size > len - PKG_OVERHEAD)
		return refuse(v, "truncated");
	if (size < len - PKG_OVERHEAD)
		return refuse(v, "trailing bytes after the package");
	/* As kern/image/image.c: the code pages lie inside the region. */
	if ((uint64_t)reload_le32(pkg + PKG_XP_AT) * TESS_PAGE_SIZE > cfg->mem_size)
		return refuse(v, "exec pages beyond the shard's memory");
	if (reload_le64(pkg + PKG_PA_AT) != cfg->mem_pa || reload_le64(pkg + PKG_VA_AT) != cfg->mem_va)
		return refuse(v, "load address mismatch");
	if (!reload_ct_equal(pkg + PKG_MHASH_AT, sys->manifest_hash, 32))
		return refuse(v, "manifest hash mismatch");

	/* size == len - PKG_OVERHEAD: the digests covered exactly [0, PKG_HDR
	 * + size) and [PKG_HDR, PKG_HDR + size). */
	if (!reload_ct_equal(mac, pkg + PKG_HDR + size, PKG_MAC))
		return refuse(v, "bad signature");
	if (!reload_ct_equal(sha, pkg + PKG_SHA_AT, 32))
		return refuse(v, "sha-256 mismatch");

	v->cfg = cfg;
	v->payload = pkg + PKG_HDR;
	v->len = size;
	v->version = reload_le64(pkg + PKG_VERSION_AT);
	v->exec_pages = reload_le32(pkg + PKG_XP_AT);
	return 0;
}
