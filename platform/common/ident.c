/* What `tessera inspect system` shows of a target (kern/inspect.h): the
 * arch's name, and the image it booted, whose header plat_image_check
 * verified (platform/common/load.c). The build id is the kernel part's
 * SHA-256 cut to 20 bytes: the kernel is linked without a GNU build-id
 * note (cmake/toolchain-common.cmake), and that hash already names
 * exactly this kernel's code and tables. */
#include <string.h>
#include <kern/inspect.h>
#include "../../kern/image/image.h"

extern char __tess_image_hdr[];

static const struct tess_img_hdr *hdr(void)
{
	const struct tess_img_hdr *h = (const struct tess_img_hdr *)__tess_image_hdr;

	return memcmp(h->magic, TESS_IMG_MAGIC, sizeof TESS_IMG_MAGIC) == 0 ? h : 0;
}

const char *plat_arch_name(void)
{
	return TESS_ARCH_NAME;
}

unsigned plat_build_id(const uint8_t **id)
{
	const struct tess_img_hdr *h = hdr();

	if (!h || h->nparts == 0)
		return 0;
	*id = h->parts[0].sha256;
	return 20;
}

int plat_image_part(unsigned i, struct plat_part *out)
{
	const struct tess_img_hdr *h = hdr();

	if (!h || i >= h->nparts || i >= TESS_IMG_MAX_PARTS)
		return -1;
	memcpy(out->name, h->parts[i].name, sizeof out->name);
	out->kind = h->parts[i].kind;
	out->size = h->parts[i].size;
	out->version = 0; /* image format 1 has no part versions */
	memcpy(out->sha256, h->parts[i].sha256, sizeof out->sha256);
	return 0;
}
