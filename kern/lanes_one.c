/* Platforms that run one lane per shard (kern/include/kern/arch.h
 * plat_max_lanes): weak, replaced by a platform that runs every lane of a
 * multi-core shard on its core. kern_boot refuses tables with more. */
#include <kern/arch.h>

__attribute__((weak)) unsigned plat_max_lanes(void)
{
	return 1;
}
