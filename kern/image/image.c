/* Boot-time image verification (format in image.h and docs/image.md). */
#include <stddef.h>
#include <kern/kern.h>
#include "image.h"
#include "sha256.h"

static const char *sha_what = "portable C";

int tess_image_sha256(sha256_blocks_fn *f, const char *what)
{
	int r = f ? sha256_select(f) : 0;

	if (r == -1)
		kern_log("image: SHA-256 by %s fails the FIPS 180-4 examples: portable C instead", what);
	if (r == -2)
		kern_log("image: SHA-256: the portable function fails the FIPS 180-4 examples");
	if (r == 0 && f)
		sha_what = what;
	return r == -2 ? -1 : 0;
}

static int eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static int name_eq(const char *part, const char *name)
{
	size_t i = 0;
	for (; i < TESS_IMG_NAME && name[i]; i++)
		if (part[i] != name[i])
			return 0;
	return i == TESS_IMG_NAME || part[i] == 0;
}

static void hex8(const uint8_t *h, char out[17])
{
	for (unsigned i = 0; i < 8; i++) {
		out[2 * i] = "0123456789abcdef"[h[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[h[i] & 15];
	}
	out[16] = 0;
}

static int header_ok(const struct tess_img_hdr *hdr, uint64_t avail, uint64_t hdr_off)
{
	if (!eq((const uint8_t *)hdr->magic, (const uint8_t *)TESS_IMG_MAGIC, 8)) {
		kern_log("image: no Tessera header at offset 0x%lx (bad magic): truncated or not packed",
			 (unsigned long)hdr_off);
		return -1;
	}
	if (hdr->version != TESS_IMG_VERSION) {
		kern_log("image: format version %u, this kernel reads version %u", hdr->version,
			 TESS_IMG_VERSION);
		return -1;
	}
	if (hdr->nparts > TESS_IMG_MAX_PARTS ||
	    hdr->hdr_size != sizeof(*hdr) + hdr->nparts * (sizeof(struct tess_img_part) + sizeof(uint64_t)) ||
	    hdr->total_size > avail || hdr_off + hdr->hdr_size > hdr->total_size) {
		kern_log("image: header is inconsistent (%u parts, %lu bytes)", hdr->nparts,
			 (unsigned long)hdr->total_size);
		return -1;
	}
	struct sha256 c;
	static const uint8_t zero[32];
	uint8_t got[32];
	sha256_init(&c);
	sha256_update(&c, hdr, offsetof(struct tess_img_hdr, hdr_sha256));
	sha256_update(&c, zero, 32);
	sha256_update(&c, hdr->parts, hdr->hdr_size - sizeof(*hdr)); /* parts and their versions */
	sha256_final(&c, got);
	if (!eq(got, hdr->hdr_sha256, 32)) {
		kern_log("image: header SHA-256 mismatch: header is corrupt");
		return -1;
	}
	return 0;
}

int tess_image_verify(const uint8_t *img, uint64_t avail, const struct tess_img_hdr *hdr,
		      const struct tess_system_cfg *sys)
{
	uint64_t hdr_off = (uint64_t)((const uint8_t *)hdr - img);
	if (header_ok(hdr, avail, hdr_off) < 0)
		return -1;
	if (!eq(hdr->manifest_hash, sys->manifest_hash, 32)) {
		char a[17], b[17];
		hex8(hdr->manifest_hash, a);
		hex8(sys->manifest_hash, b);
		kern_log("image: built for manifest %s..., these tables are manifest %s...", a, b);
		return -1;
	}
	for (unsigned i = 0; i < hdr->nparts; i++) {
		const struct tess_img_part *p = &hdr->parts[i];
		uint8_t got[32];
		char name[TESS_IMG_NAME + 1];
		for (unsigned k = 0; k < TESS_IMG_NAME; k++)
			name[k] = p->name[k];
		name[TESS_IMG_NAME] = 0;
		if (p->offset > hdr->total_size || p->size > hdr->total_size - p->offset) {
			kern_log("image: part %s lies outside the image", name);
			return -1;
		}
		sha256(img + p->offset, p->size, got);
		if (!eq(got, p->sha256, 32)) {
			kern_log("image: part %s: SHA-256 mismatch (%lu bytes at offset 0x%lx)", name,
				 (unsigned long)p->size, (unsigned long)p->offset);
			return -1;
		}
	}
	for (unsigned i = 0; i < sys->nshards; i++) {
		const struct tess_shard_cfg *s = &sys->shards[i];
		const struct tess_img_part *p = tess_image_part(hdr, s->name);
		if (!p || p->kind != TESS_IMG_SHARD) {
			kern_log("image: no part for shard %s", s->name);
			return -1;
		}
		if (p->load_pa != s->mem_pa || p->size > s->mem_size ||
		    (uint64_t)p->exec_pages * TESS_PAGE_SIZE > s->mem_size) {
			kern_log("image: part %s (0x%lx, %lu bytes) does not fit the shard's memory", s->name,
				 (unsigned long)p->load_pa, (unsigned long)p->size);
			return -1;
		}
	}
	kern_log("image: %u parts verified (SHA-256, %s), manifest matches", hdr->nparts, sha_what);
	return 0;
}

const struct tess_img_part *tess_image_part(const struct tess_img_hdr *hdr, const char *name)
{
	for (unsigned i = 0; i < hdr->nparts && i < TESS_IMG_MAX_PARTS; i++)
		if (name_eq(hdr->parts[i].name, name))
			return &hdr->parts[i];
	return NULL;
}

uint64_t tess_image_part_version(const struct tess_img_hdr *hdr, const struct tess_img_part *part)
{
	/* After the part table; 8-byte aligned like the rest of the header. */
	const uint64_t *versions = (const uint64_t *)(const void *)&hdr->parts[hdr->nparts];

	return versions[part - hdr->parts];
}
