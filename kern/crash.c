/* Crash records (docs/inspect.md "crashes"): when a shard faults, before
 * its policy restarts or halts it, the kernel keeps its last crash: the
 * fault, the registers the platform saved, up to CRASH_STACK bytes of its
 * stack from sp, and a frame-pointer backtrace. The backtrace is walked
 * in the platform's view of the shard's own stack only (its stack map on
 * targets, the copy the simulator took): every frame record must lie
 * inside it, aligned, each above the last; the shard's frame pointers
 * are data it wrote and are never followed anywhere else. One record per
 * shard, read by the console core with a sequence lock (kern/inspect). */
#include <kern/lib.h>
#include <kern/priv.h>
#include <kern/crash.h>

static struct kern_crash crashes[TESS_MAX_SHARDS];

/* The 8-byte aligned word at va, if it lies inside the stack view. */
static bool stack_word(const struct arch_crash *a, uint64_t va, uint64_t *out)
{
	if (!a->stack || va % 8 || va < a->stack_va || va - a->stack_va > a->stack_len ||
	    a->stack_len - (va - a->stack_va) < 8)
		return false;
	memcpy(out, a->stack + (va - a->stack_va), 8);
	return true;
}

static unsigned walk(const struct arch_crash *a, uint64_t *frames, unsigned max)
{
	uint64_t fp = a->fp, prev, ra;
	unsigned n = 0;

	while (n < max && stack_word(a, fp + (uint64_t)(int64_t)a->prev_off, &prev) &&
	       stack_word(a, fp + (uint64_t)(int64_t)a->ra_off, &ra) && ra) {
		frames[n++] = ra;
		if (prev <= fp) /* the chain climbs the stack, or it ends here */
			break;
		fp = prev;
	}
	return n;
}

void kern_crash_record(unsigned core, struct kern_shard *s, const struct trap *t)
{
	struct kern_crash *c = &crashes[s->cfg->id];
	struct arch_crash a;
	uint32_t gen = atomic_load_explicit(&c->gen, memory_order_relaxed);

	(void)core;
	memset(&a, 0, sizeof a);
	arch_crash(s, &s->ctx, &a);
	if (!a.stack)
		a.stack = plat_shard_stack(s->cfg, &a.stack_va, &a.stack_len);
	atomic_store_explicit(&c->gen, gen + 1, memory_order_relaxed); /* odd: being written */
	atomic_thread_fence(memory_order_release);
	c->count++;
	c->kind = t->fault;
	c->code = t->code;
	c->addr = t->addr;
	c->pc = t->pc;
	c->at = plat_time_ns();
	c->version = s->version;
	c->sp = a.sp;
	c->fp = a.fp;
	c->base = a.base;
	c->nregs = a.nregs < ARCH_CRASH_REGS ? a.nregs : ARCH_CRASH_REGS;
	memcpy(c->regs, a.regs, sizeof c->regs);
	c->nframes = walk(&a, c->frames, KERN_CRASH_FRAMES);
	c->stack_va = a.sp;
	c->stack_len = 0;
	if (a.stack && a.sp >= a.stack_va && a.sp - a.stack_va < a.stack_len) {
		uint64_t left = a.stack_len - (a.sp - a.stack_va);

		c->stack_len = (uint32_t)(left < KERN_CRASH_STACK ? left : KERN_CRASH_STACK);
		memcpy(c->stack, a.stack + (a.sp - a.stack_va), c->stack_len);
	}
	atomic_store_explicit(&c->gen, gen + 2, memory_order_release);
}

int kern_crash_get(unsigned id, struct kern_crash *out)
{
	const struct kern_crash *c = &crashes[id];
	uint32_t gen;

	if (!kern_sys || id >= kern_sys->nshards)
		return -1;
	for (unsigned tries = 0; tries < 4; tries++) {
		gen = atomic_load_explicit(&c->gen, memory_order_acquire);
		if (gen & 1)
			continue;
		memcpy(out, c, sizeof *out);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&c->gen, memory_order_relaxed) == gen)
			return 0;
	}
	return -1; /* being rewritten by a crash storm: ask again */
}

void kern_crash_reset(void)
{
	memset(crashes, 0, sizeof crashes);
}
