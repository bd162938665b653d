/* A shard that reaches for the kernel's private state. It must not build,
 * hosted or for a target: a shard's include path holds only the public
 * headers, shards/include and kern/public (tests/sim/test_shard_includes.py). */
#include <kern/priv.h>
#include <tessera/shard.h>

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), %u shards known", why, kern_sys->nshards);
}
