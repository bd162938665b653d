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
 * payload hash. Each refusal has its own reason text. */
#include <stdarg.h>
#include "internal.h"
#include "../image/sha256.h"

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

int reload_verify(const struct tess_system_cfg *sys, const uint8_t *key, size_t keylen, const uint8_t *pkg,
		  size_t len, const char *want, struct verdict *v)
{
	char name[PKG_NAME];
	uint8_t digest[32];

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

	reload_hmac_sha256(key, keylen, pkg, PKG_HDR + size, digest);
	if (!reload_ct_equal(digest, pkg + PKG_HDR + size, PKG_MAC))
		return refuse(v, "bad signature");
	sha256(pkg + PKG_HDR, size, digest);
	if (!reload_ct_equal(digest, pkg + PKG_SHA_AT, 32))
		return refuse(v, "sha-256 mismatch");

	v->cfg = cfg;
	v->payload = pkg + PKG_HDR;
	v->len = size;
	v->version = reload_le64(pkg + PKG_VERSION_AT);
	v->exec_pages = reload_le32(pkg + PKG_XP_AT);
	return 0;
}
