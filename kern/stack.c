/* Stack high-water marks (docs/inspect.md): every (re)start paints the
 * shard's stack map with a byte pattern; a query measures how much of it,
 * from the top, no longer holds the pattern. A shard that writes the
 * pattern itself looks as if it used less: a figure, not a fact. */
#include <kern/lib.h>
#include <kern/priv.h>
#include <kern/stats.h>

#define STACK_PAINT 0xa5u
#define STACK_WORD  0xa5a5a5a5a5a5a5a5ull

void kern_stack_paint(const struct tess_shard_cfg *cfg)
{
	uint64_t va, len;
	uint8_t *p = plat_shard_stack(cfg, &va, &len);

	if (p)
		memset(p, STACK_PAINT, len);
}

/* Bytes used: from the first word above the bottom that was written to
 * the top. The stack map is page aligned, so words are aligned. */
int64_t kern_stack_used(const struct tess_shard_cfg *cfg)
{
	uint64_t va, len, i;
	const _Atomic uint64_t *w = (const _Atomic uint64_t *)(void *)plat_shard_stack(cfg, &va, &len);

	if (!w)
		return -1;
	for (i = 0; i < len / 8; i++)
		if (atomic_load_explicit(&w[i], memory_order_relaxed) != STACK_WORD)
			break;
	return (int64_t)(len - i * 8);
}
