/* The image in memory: QEMU (or a boot loader) placed the whole flashable
 * image at _start; the Tessera header sits at __tess_image_hdr (after the
 * kernel's .bss, see kernel.ld.in). Shard parts are copied from there into
 * each shard's private memory at every (re)start. */
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/reload.h>
#include "../../kern/image/image.h"

static const struct tess_img_hdr *hdr;

int a64_image_check(void)
{
	uint64_t start_pa = (uint64_t)(uintptr_t)_start - A64_KVA_OFFSET;
	uint64_t reserve_end = tess_system.kernel_pa + tess_system.kernel_size;
	hdr = (const struct tess_img_hdr *)__tess_image_hdr;
	return tess_image_verify((const uint8_t *)_start, reserve_end - start_pa, hdr, &tess_system);
}

uint64_t a64_image_exec_size(const char *shard)
{
	const struct tess_img_part *p = hdr ? tess_image_part(hdr, shard) : 0;
	return p ? (uint64_t)p->exec_pages * TESS_PAGE_SIZE : 0;
}

/* New code in the shard's memory: clean the data cache to the point of
 * unification, then invalidate the instruction cache (Arm ARM D7.5.9,
 * "Ordering of cache maintenance": dc cvau; dsb ish; ic ialluis; dsb; isb). */
static void sync_icache(uint8_t *p, uint64_t n)
{
	uint64_t line = 4u << ((SYSREG_READ(ctr_el0) >> 16) & 0xf);
	uint64_t a = (uint64_t)(uintptr_t)p & ~(line - 1);
	for (; a < (uint64_t)(uintptr_t)p + n; a += line)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish\n ic ialluis\n dsb ish\n isb" ::: "memory");
}

/* A committed hot-reload image kept at cfg->reload_pa (bytes, 0: none) and
 * its code size; plat_shard_load prefers it to the boot image's part. */
static struct {
	uint64_t len, rx;
} committed[TESS_MAX_SHARDS];

/* Copy an image into the shard's private memory, zero the rest, map its
 * first `rx` bytes read/execute and the rest read/write, sync caches. */
static int install(const struct tess_shard_cfg *cfg, const uint8_t *src, uint64_t n, uint64_t rx)
{
	if (n > cfg->mem_size || a64_mmu_set_exec(cfg, rx) < 0) {
		kern_log("image: shard %s: %lu bytes (%lu of code) do not fit its image map", cfg->name,
			 (unsigned long)n, (unsigned long)rx);
		return -1;
	}
	uint8_t *dst = a64_kva(cfg->mem_pa);
	uint64_t i = 0;
	for (; i < n; i++)
		dst[i] = src[i];
	for (; i < cfg->mem_size; i++)
		dst[i] = 0;
	sync_icache(dst, n);
	return 0;
}

int plat_shard_load(const struct tess_shard_cfg *cfg)
{
	if (cfg->id < TESS_MAX_SHARDS && committed[cfg->id].len)
		return install(cfg, a64_kva(cfg->reload_pa), committed[cfg->id].len, committed[cfg->id].rx);
	const struct tess_img_part *p = hdr ? tess_image_part(hdr, cfg->name) : 0;
	if (!p) {
		kern_log("image: no part for shard %s", cfg->name);
		return -1;
	}
	return install(cfg, (const uint8_t *)_start + p->offset, p->size,
		       (uint64_t)p->exec_pages * TESS_PAGE_SIZE);
}

/* Hot reload (kern/swap.c): the new image, with its own W^X split
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
	uint8_t *dst = a64_kva(cfg->reload_pa);
	const uint8_t *src = payload;
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i];
	committed[cfg->id].len = len;
	committed[cfg->id].rx = (uint64_t)reload_exec_pages() * TESS_PAGE_SIZE;
	return 0;
}

/* Shards run only when a core resumes them; a stopped shard needs nothing
 * undone in hardware. Its granted IRQs stay masked until it acks again. */
void plat_shard_stop(const struct tess_shard_cfg *cfg)
{
	(void)cfg;
}
