/* What `tessera inspect system` shows of the simulator (kern/inspect.h):
 * arch "host", tessera-sim's own GNU build id, and as the image's parts
 * the shard executables it copied at start (sim/image.c), with their
 * SHA-256 (kern/image/sha256.c, which the reload verifier links too). */
#include <elf.h>
#include <link.h>
#include <string.h>
#include <kern/inspect.h>
#include "../kern/image/sha256.h"
#include "sim.h"

static struct plat_part parts[TESS_MAX_SHARDS];
static unsigned nparts;
static uint8_t build_id[20];
static unsigned build_id_len;

void sim_ident_part(const char *name, const void *p, size_t n)
{
	struct plat_part *pt;

	if (nparts >= TESS_MAX_SHARDS)
		return;
	pt = &parts[nparts++];
	memset(pt, 0, sizeof *pt);
	strncpy(pt->name, name, sizeof pt->name - 1);
	pt->kind = 1;
	pt->size = n;
	pt->version = 1;
	sha256(p, n, pt->sha256);
}

/* The main executable's NT_GNU_BUILD_ID note. */
static int find_note(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size, (void)arg;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;

		while (ph->p_type == PT_NOTE && p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(const void *)p;
			const uint8_t *desc = p + sizeof *nh + ((nh->n_namesz + 3) & ~3u);

			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    desc + nh->n_descsz <= end) {
				build_id_len =
					nh->n_descsz < sizeof build_id ? nh->n_descsz : sizeof build_id;
				memcpy(build_id, desc, build_id_len);
				return 1;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* the first object is the executable */
}

void sim_ident_init(void)
{
	dl_iterate_phdr(find_note, NULL);
}

const char *plat_arch_name(void)
{
	return "host";
}

unsigned plat_build_id(const uint8_t **id)
{
	*id = build_id;
	return build_id_len;
}

int plat_image_part(unsigned i, struct plat_part *out)
{
	if (i >= nparts)
		return -1;
	*out = parts[i];
	return 0;
}
