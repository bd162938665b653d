/* The image in memory: QEMU (or U-Boot booti) placed the whole flashable
 * image at _start; the Tessera header sits at __tess_image_hdr, right after
 * the kernel's .bss (kernel.ld). kern/image verifies it before any shard
 * runs; shard parts are copied from it into private memory at every start. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <rv/plat.h>
#include "../../kern/image/image.h"

extern char _start[], __tess_image_hdr[];
static const struct tess_img_hdr *hdr;

int rv_plat_image_check(void)
{
	uint64_t reserve_end = tess_system.kernel_pa + tess_system.kernel_size;
	hdr = (const struct tess_img_hdr *)__tess_image_hdr;
	return tess_image_verify((const uint8_t *)_start, reserve_end - rv_kpa(_start), hdr, &tess_system);
}

uint64_t rv_image_exec_size(const struct tess_shard_cfg *cfg)
{
	const struct tess_img_part *p = hdr ? tess_image_part(hdr, cfg->name) : 0;
	return p ? (uint64_t)p->exec_pages * TESS_PAGE_SIZE : 0;
}

/* Bytes of a committed hot-reload image kept at cfg->reload_pa (0: none);
 * plat_shard_load prefers it to the boot image's part from then on. */
static uint64_t committed[TESS_MAX_SHARDS];

/* Copy a shard image into its private memory, zero the rest. New code:
 * every core fence.i's before it next runs a shard (trap.c), since fence.i
 * orders only the local hart's fetches (unprivileged spec v20191213,
 * ch. 3 "Zifencei"). */
static void copy_in(const struct tess_shard_cfg *cfg, const uint8_t *src, uint64_t n)
{
	uint8_t *dst = rv_kva(cfg->mem_pa);
	uint64_t i = 0;
	for (; i < n; i++)
		dst[i] = src[i];
	for (; i < cfg->mem_size; i++)
		dst[i] = 0;
	__atomic_fetch_add(&rv_load_gen, 1, __ATOMIC_RELEASE);
}

int plat_shard_load(const struct tess_shard_cfg *cfg)
{
	if (cfg->id < TESS_MAX_SHARDS && committed[cfg->id]) {
		copy_in(cfg, rv_kva(cfg->reload_pa), committed[cfg->id]);
		return 0;
	}
	const struct tess_img_part *p = hdr ? tess_image_part(hdr, cfg->name) : 0;
	if (!p || p->size > cfg->mem_size) {
		kern_log("image: no part for shard %s", cfg->name);
		return -1;
	}
	copy_in(cfg, (const uint8_t *)_start + p->offset, p->size);
	return 0;
}

/* Hot reload. The address space keeps the boot image's W^X split
 * (rv_image_exec_size): a new image whose code outgrows it faults on its
 * first fetch there and is rolled back by kern/. */
int plat_shard_install(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	if (len > cfg->mem_size) {
		kern_log("reload: shard %s: image of %lu bytes exceeds its memory", cfg->name,
			 (unsigned long)len);
		return -1;
	}
	copy_in(cfg, payload, len);
	return 0;
}

int plat_shard_commit(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	if (!cfg->reload_pa || len > cfg->mem_size || cfg->id >= TESS_MAX_SHARDS) {
		kern_log("reload: shard %s: no reload memory planned", cfg->name);
		return -1;
	}
	uint8_t *dst = rv_kva(cfg->reload_pa);
	const uint8_t *src = payload;
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i];
	committed[cfg->id] = len;
	return 0;
}

/* Shards run only when a core resumes them: nothing to undo in hardware.
 * A claimed IRQ of the shard stays masked until it acks it again. */
void plat_shard_stop(const struct tess_shard_cfg *cfg)
{
	(void)cfg;
}
