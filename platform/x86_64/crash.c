/* arch_crash (kern/crash.c): the 16 general registers, rip and rflags as
 * saved, and the x86-64 frame record: rbp points at the caller's rbp,
 * the return address above it (System V AMD64 ABI 3.2.2, figure 3.3,
 * "%rbp optionally used as frame pointer"). Shards are built with frame
 * pointers, leaf functions included. */
#include <kern/arch.h>

void arch_crash(const struct kern_shard *s, const struct arch_ctx *ctx, struct arch_crash *out)
{
	const uint64_t r[] = {ctx->rax, ctx->rbx, ctx->rcx, ctx->rdx, ctx->rsi, ctx->rdi,
			      ctx->rbp, ctx->rsp, ctx->r8,  ctx->r9,  ctx->r10, ctx->r11,
			      ctx->r12, ctx->r13, ctx->r14, ctx->r15, ctx->rip, ctx->rflags};

	(void)s;
	for (unsigned i = 0; i < sizeof r / sizeof r[0]; i++)
		out->regs[i] = r[i];
	out->nregs = sizeof r / sizeof r[0];
	out->pc = ctx->rip;
	out->sp = ctx->rsp;
	out->fp = ctx->rbp;
	out->prev_off = 0;
	out->ra_off = 8;
}
