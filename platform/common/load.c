/* The image in memory: QEMU (or U-Boot booti) placed the whole flashable
 * image at _start; the Tessera header sits at __tess_image_hdr, after the
 * kernel's .bss (the arch's kernel.ld). kern/image verifies it before any
 * shard runs; shard parts are copied from it into private memory at every
 * (re)start, or the committed hot-reload image once there is one. */
#include <string.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/reload.h>
#include <plat/load.h>
#include "../../kern/image/image.h"

extern char _start[], __tess_image_hdr[];
static const struct tess_img_hdr *hdr;

int plat_image_check(void)
{
	uint64_t reserve_end = tess_system.kernel_pa + tess_system.kernel_size;
	const char *what = 0;
	sha256_blocks_fn *f = arch_sha256(&what);

	hdr = (const struct tess_img_hdr *)__tess_image_hdr;
	if (tess_image_sha256(f, what) < 0)
		return -1;
	return tess_image_verify((const uint8_t *)_start, reserve_end - arch_kernel_pa(_start), hdr,
				 &tess_system);
}

const struct tess_img_hdr *plat_image_hdr(void)
{
	return hdr;
}

/* The part's version (image.h), which tess_image_verify has checked with
 * the rest of the header. */
uint64_t plat_shard_boot_version(const struct tess_shard_cfg *cfg)
{
	const struct tess_img_part *p = hdr ? tess_image_part(hdr, cfg->name) : 0;
	return p ? tess_image_part_version(hdr, p) : 1;
}

uint64_t plat_image_exec_size(const char *shard)
{
	const struct tess_img_part *p = hdr ? tess_image_part(hdr, shard) : 0;
	return p ? (uint64_t)p->exec_pages * TESS_PAGE_SIZE : 0;
}

/* A committed hot-reload image kept at cfg->reload_pa (bytes, 0: none) and
 * its code size; plat_shard_load prefers it to the boot image's part. */
static struct {
	uint64_t len, rx;
} committed[TESS_MAX_SHARDS];

/* The shard's stack map (its pa and size): the top of its private memory,
 * after the image room (tables.h). */
static const struct tess_map *stack_map(const struct tess_shard_cfg *cfg)
{
	for (unsigned i = 0; i < cfg->nmaps; i++)
		if (cfg->maps[i].kind == TESS_MAP_KIND_STACK)
			return &cfg->maps[i];
	return 0;
}

/* Where the image room stops needing zeroes after the n bytes of `src`:
 * the end of .bss from the part's trailer (limits.h
 * TESS_PART_TRAILER_MAGIC), bounded by the room; the whole room if the
 * part has none (a prebuilt ELF of another linker script). The part was
 * verified (image hash, reload signature); the bound still holds. Nothing
 * of a shard refers past its .bss (no heap: static over dynamic), so the
 * rest keeps what was there. */
static uint64_t zero_end(const uint8_t *src, uint64_t n, uint64_t room)
{
	uint64_t t[2];

	if (n < sizeof(t))
		return room;
	memcpy(t, src + n - sizeof(t), sizeof(t));
	return t[1] == TESS_PART_TRAILER_MAGIC && t[0] >= n && t[0] <= room ? t[0] : room;
}

/* Copy an image into the shard's private memory, zero its .bss and its
 * stack, map its first `rx` bytes R+X and the rest R+W, publish the new
 * code. */
static int install(const struct tess_shard_cfg *cfg, const uint8_t *src, uint64_t n, uint64_t rx)
{
	const struct tess_map *st = stack_map(cfg);
	uint64_t room = st && st->pa >= cfg->mem_pa && st->pa - cfg->mem_pa + st->size == cfg->mem_size
				? st->pa - cfg->mem_pa
				: 0;

	if (!room || n > room || arch_mmu_set_exec(cfg, rx) < 0) {
		kern_log("image: shard %s: %lu bytes (%lu of code) do not fit its image map", cfg->name,
			 (unsigned long)n, (unsigned long)rx);
		return -1;
	}
	uint8_t *dst = plat_pa_to_kva(cfg->mem_pa);
	memcpy(dst, src, n);
	arch_zero(dst + n, zero_end(src, n, room) - n);
	arch_zero(dst + room, st->size);
	arch_code_written(dst, n);
	return 0;
}

int plat_shard_load(const struct tess_shard_cfg *cfg)
{
	if (cfg->id < TESS_MAX_SHARDS && committed[cfg->id].len)
		return install(cfg, plat_pa_to_kva(cfg->reload_pa), committed[cfg->id].len,
			       committed[cfg->id].rx);
	const struct tess_img_part *p = hdr ? tess_image_part(hdr, cfg->name) : 0;
	if (!p) {
		kern_log("image: no part for shard %s", cfg->name);
		return -1;
	}
	return install(cfg, (const uint8_t *)_start + p->offset, p->size,
		       (uint64_t)p->exec_pages * TESS_PAGE_SIZE);
}

/* Hot reload (kern/reload/swap.c): the new image with its own W^X split
 * (reload_exec_pages, from the verified package). A rollback is
 * plat_shard_load, which restores the previous image and split. */
int plat_shard_install(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	return install(cfg, payload, len, (uint64_t)reload_exec_pages() * TESS_PAGE_SIZE);
}

int plat_shard_commit(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	if (!cfg->reload_pa || len > cfg->mem_size || cfg->id >= TESS_MAX_SHARDS) {
		kern_log("reload: shard %s: no reload memory planned", cfg->name);
		return -1;
	}
	memcpy(plat_pa_to_kva(cfg->reload_pa), payload, len);
	committed[cfg->id].len = len;
	committed[cfg->id].rx = (uint64_t)reload_exec_pages() * TESS_PAGE_SIZE;
	return 0;
}

/* Shards run only when a core resumes them: nothing to undo in hardware.
 * A granted IRQ of the shard stays masked until it acks it again. */
void plat_shard_stop(const struct tess_shard_cfg *cfg)
{
	(void)cfg;
}
