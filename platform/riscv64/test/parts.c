/* Bring-up stand-in for the image-part lookup: the shard images live in the
 * kernel's rodata (test/parts.S) instead of the packed tessera image. */
#include <kern/arch.h>
#include <rv/plat.h>

extern const char rv_part_hello[], rv_part_hello_end[], rv_part_crash[], rv_part_crash_end[];

int rv_plat_image_check(void)
{
	return 0;
}

int plat_shard_load(const struct tess_shard_cfg *cfg)
{
	const char *src = cfg->id == 0 ? rv_part_hello : rv_part_crash;
	const char *end = cfg->id == 0 ? rv_part_hello_end : rv_part_crash_end;
	char *dst = plat_pa_to_kva(cfg->mem_pa);
	for (uint64_t i = 0; i < cfg->mem_size; i++)
		dst[i] = i < (uint64_t)(end - src) ? src[i] : 0;
	__atomic_fetch_add(&rv_load_gen, 1, __ATOMIC_RELEASE);
	return 0;
}

void plat_shard_stop(const struct tess_shard_cfg *cfg)
{
	(void)cfg;
}
