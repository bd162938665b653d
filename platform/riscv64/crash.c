/* arch_crash (kern/crash.c): x1-x31 (ra .. t6) and pc as saved, and the
 * RISC-V frame record: s0/fp holds the frame's CFA (sp at entry); the
 * return address is at fp - 8 and the caller's fp at fp - 16 (RISC-V
 * psABI, "Frame Pointer Convention"). Shards are built with frame
 * pointers, leaf functions included. */
#include <string.h>
#include <kern/arch.h>

void arch_crash(const struct kern_shard *s, const struct arch_ctx *ctx, struct arch_crash *out)
{
	(void)s;
	memcpy(out->regs, ctx->x + 1, 31 * sizeof ctx->x[0]);
	out->regs[31] = ctx->pc;
	out->nregs = 32;
	out->pc = ctx->pc;
	out->sp = ctx->x[2];
	out->fp = ctx->x[8];
	out->prev_off = -16;
	out->ra_off = -8;
}
