/* The shared-region example (region_writer, region_reader): a seqlock-guarded
 * record in the first shared region mapped into the shard. Not a shard. */
#ifndef TESS_EXAMPLE_REGION_H
#define TESS_EXAMPLE_REGION_H

#include <stdatomic.h>
#include <stdint.h>
#include <tessera/shard_info.h>

#define REGION_WORDS 14

struct region_rec {
	_Atomic uint32_t seq; /* odd while the writer is updating */
	uint32_t pad;
	_Atomic uint64_t gen;
	_Atomic uint64_t word[REGION_WORDS]; /* all equal to gen when consistent */
};

/* The first TESS_MAP_KIND_REGION map of this shard, or NULL. */
static inline struct region_rec *region_rec(void)
{
	for (unsigned i = 0; i < tess_self.nmaps; i++)
		if (tess_self.maps[i].kind == TESS_MAP_KIND_REGION)
			return (struct region_rec *)(uintptr_t)tess_self.maps[i].va;
	return 0;
}

#endif
