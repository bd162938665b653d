/* Bring-up stand-in for the image-part lookup: the shard images live in the
 * kernel's rodata (test/parts.S) instead of the packed tessera image. */
#include <kern/arch.h>
#include <rv/plat.h>
#include <plat/load.h>

#define PART(n) extern const char rv_part_##n[], rv_part_##n##_end[];
PART(hello)
PART(crash)
PART(fpa)
PART(fpb)
PART(spin)
PART(ping)

/* Indexed by shard id (test/tables.c). */
static const char *const parts[][2] = {
	{rv_part_hello, rv_part_hello_end}, {rv_part_crash, rv_part_crash_end},
	{rv_part_fpa, rv_part_fpa_end},	    {rv_part_fpb, rv_part_fpb_end},
	{rv_part_spin, rv_part_spin_end},   {rv_part_ping, rv_part_ping_end},
};

int plat_image_check(void)
{
	return 0;
}

/* The stand-in tables never ask for a W+X image map. */
uint64_t plat_image_exec_size(const char *shard)
{
	(void)shard;
	return 0;
}

int plat_shard_load(const struct tess_shard_cfg *cfg)
{
	const char *src = parts[cfg->id][0], *end = parts[cfg->id][1];
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
