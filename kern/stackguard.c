/* Which faults are stack overflows: the planner leaves one page unmapped
 * below every shard's stack (docs/design.md "Memory plan"), so a data
 * access there is the stack running past its end. Decided from the
 * shard's own tables, never from anything the shard controls (its sp may
 * point anywhere). */
#include <kern/kern.h>

bool kern_stack_guard_hit(const struct tess_shard_cfg *cfg, uint64_t addr)
{
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];

		if (m->kind == TESS_MAP_KIND_STACK)
			return m->va >= TESS_PAGE_SIZE && addr >= m->va - TESS_PAGE_SIZE && addr < m->va;
	}
	return false;
}
