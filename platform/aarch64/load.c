/* The image in memory: QEMU (or a boot loader) placed the whole flashable
 * image at _start; the Tessera header sits at __tess_image_hdr (after the
 * kernel's .bss, see kernel.ld.in). Shard parts are copied from there into
 * each shard's private memory at every (re)start. */
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/kern.h>
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

int plat_shard_load(const struct tess_shard_cfg *cfg)
{
	const struct tess_img_part *p = hdr ? tess_image_part(hdr, cfg->name) : 0;
	if (!p || p->size > cfg->mem_size) {
		kern_log("image: no part for shard %s", cfg->name);
		return -1;
	}
	uint8_t *dst = a64_kva(cfg->mem_pa);
	const uint8_t *src = (const uint8_t *)_start + p->offset;
	uint64_t i = 0;
	for (; i < p->size; i++)
		dst[i] = src[i];
	for (; i < cfg->mem_size; i++)
		dst[i] = 0;
	sync_icache(dst, p->size);
	return 0;
}

/* Shards run only when a core resumes them; a stopped shard needs nothing
 * undone in hardware. Its granted IRQs stay masked until it acks again. */
void plat_shard_stop(const struct tess_shard_cfg *cfg)
{
	(void)cfg;
}
