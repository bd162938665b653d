/* Platforms without a persistent store (kern/include/kern/arch.h
 * plat_nv_*): weak, replaced by a platform's own. Then the anti-rollback
 * floor of a shard starts at its boot image's version on every boot
 * (kern/rollback.c). */
#include <kern/arch.h>

__attribute__((weak)) uint64_t plat_nv_size(void)
{
	return 0;
}

__attribute__((weak)) int plat_nv_read(uint64_t off, void *buf, size_t n)
{
	(void)off, (void)buf, (void)n;
	return -1;
}

__attribute__((weak)) int plat_nv_write(uint64_t off, const void *buf, size_t n)
{
	(void)off, (void)buf, (void)n;
	return -1;
}

__attribute__((weak)) int plat_nv_erase(uint64_t off, size_t n)
{
	(void)off, (void)n;
	return -1;
}
