/* What `tessera inspect system` shows of a target (kern/inspect.h): the
 * arch's name, and the image it booted, whose header plat_image_check
 * verified (platform/common/load.c). The build id is the kernel part's
 * SHA-256 cut to 20 bytes: the kernel is linked without a GNU build-id
 * note (cmake/toolchain-common.cmake), and that hash already names
 * exactly this kernel's code and tables. The header is load.c's, never
 * looked for by its magic: a copy of the magic in the kernel's data would
 * be what tools searching the image find first (tessera/image.py). */
#include <string.h>
#include <kern/inspect.h>
#include <plat/load.h>
#include "../../kern/image/image.h"

const char *plat_arch_name(void)
{
	return TESS_ARCH_NAME;
}

unsigned plat_build_id(const uint8_t **id)
{
	const struct tess_img_hdr *h = plat_image_hdr();

	if (!h || h->nparts == 0)
		return 0;
	*id = h->parts[0].sha256;
	return 20;
}

int plat_image_part(unsigned i, struct plat_part *out)
{
	const struct tess_img_hdr *h = plat_image_hdr();

	if (!h || i >= h->nparts || i >= TESS_IMG_MAX_PARTS)
		return -1;
	memcpy(out->name, h->parts[i].name, sizeof out->name);
	out->kind = h->parts[i].kind;
	out->size = h->parts[i].size;
	out->version = 0; /* image format 1 has no part versions */
	memcpy(out->sha256, h->parts[i].sha256, sizeof out->sha256);
	return 0;
}
