/* Helpers of the fault-injection example shards. Not a shard. */
#ifndef TESS_EXAMPLE_FAULT_H
#define TESS_EXAMPLE_FAULT_H

#include <stdint.h>
#include <tessera/shard_info.h>

/* Deliberate bad accesses must reach the MMU (or the simulator's SIGSEGV
 * handler) as real faults, not be caught by a sanitizer on the way. */
#define FAULT_NO_SANITIZE __attribute__((no_sanitize("address", "undefined"), noinline))

/* The VA of this shard's private memory (its image map): mem_va. */
static inline uint64_t fault_mem_va(void)
{
	for (unsigned i = 0; i < tess_self.nmaps; i++)
		if (tess_self.maps[i].kind == TESS_MAP_KIND_IMAGE)
			return tess_self.maps[i].va;
	return 0;
}

#endif
