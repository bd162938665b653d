/* arch_crash (kern/crash.c): x0-x30, sp, pc, pstate as saved, and the
 * AArch64 frame record: x29 points at two words, the caller's x29 and the
 * return address (AAPCS64, IHI 0055, 6.4.6 "The Frame Pointer"). Shards
 * are built with frame pointers, leaf functions included. */
#include <string.h>
#include <kern/arch.h>

void arch_crash(const struct kern_shard *s, const struct arch_ctx *ctx, struct arch_crash *out)
{
	(void)s;
	memcpy(out->regs, ctx->x, sizeof ctx->x);
	out->regs[31] = ctx->sp;
	out->regs[32] = ctx->pc;
	out->regs[33] = ctx->spsr;
	out->nregs = 34;
	out->pc = ctx->pc;
	out->sp = ctx->sp;
	out->fp = ctx->x[29];
	out->prev_off = 0;
	out->ra_off = 8;
}
