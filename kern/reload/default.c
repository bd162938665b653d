/* Fallbacks for platforms without hot-reload support: weak, so a
 * platform's own plat_shard_prepare/install/commit replace them. Without
 * install the swap rolls back ("install failed") and the host hears why;
 * without prepare the whole install happens at the shard's yield. */
#include <kern/arch.h>
#include <kern/kern.h>

__attribute__((weak)) int plat_shard_prepare(const struct tess_shard_cfg *cfg, const void *payload,
					     size_t len)
{
	(void)cfg, (void)payload, (void)len;
	return 0;
}

__attribute__((weak)) int plat_shard_install(const struct tess_shard_cfg *cfg, const void *payload,
					     size_t len)
{
	(void)payload, (void)len;
	kern_log("reload: shard %s: this platform cannot install images", cfg->name);
	return -1;
}

__attribute__((weak)) int plat_shard_commit(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	(void)cfg, (void)payload, (void)len;
	return -1;
}
