/* Which faults are stack overflows: the planner leaves one page unmapped
 * below every shard's stack (docs/design.md "Memory plan"), so a data
 * access there is the stack running past its end. Decided from the
 * shard's own tables, never from anything the shard controls (its sp may
 * point anywhere), and here for every platform: they report the read or
 * write and its address, kern_fault names it. */
#include <kern/kern.h>
#include <kern/priv.h>

bool kern_stack_guard_hit(const struct tess_shard_cfg *cfg, uint64_t addr)
{
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];

		if (m->kind == TESS_MAP_KIND_STACK)
			return m->va >= TESS_PAGE_SIZE && addr >= m->va - TESS_PAGE_SIZE && addr < m->va;
	}
	return false;
}

unsigned kern_fault_kind(const struct tess_shard_cfg *cfg, const struct trap *t)
{
	if ((t->fault == FAULT_READ || t->fault == FAULT_WRITE) && kern_stack_guard_hit(cfg, t->addr))
		return FAULT_STACK;
	return t->fault;
}
