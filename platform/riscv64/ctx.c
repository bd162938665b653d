/* Fresh shard contexts and system-call return values (kern/include/kern/arch.h). */
#include <stddef.h>
#include <kern/arch.h>
#include <rv/plat.h>

_Static_assert(offsetof(struct arch_ctx, x[1]) == RV_CTX_X(1), "ctx.h offsets");
_Static_assert(offsetof(struct tess_system_cfg, console_pa) == RV_SYS_CONSOLE_PA, "rv/layout.h offset");
_Static_assert(offsetof(struct arch_ctx, pc) == RV_CTX_PC, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, ksp) == RV_CTX_KSP, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, satp) == RV_CTX_SATP, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, f[0]) == RV_CTX_F(0), "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, fcsr) == RV_CTX_FCSR, "ctx.h offsets");

enum { REG_SP = 2, REG_A0 = 10 };

void arch_ctx_init(struct arch_ctx *ctx, const struct tess_shard_cfg *cfg, uint64_t entry, uint64_t sp,
		   uint64_t arg0)
{
	uint8_t *p = (uint8_t *)ctx;
	for (size_t i = 0; i < sizeof(*ctx); i++)
		p[i] = 0;
	ctx->pc = entry;
	ctx->x[REG_SP] = sp;
	ctx->x[REG_A0] = arg0;
	ctx->satp = rv_shard_satp(cfg->id);
}

void arch_ctx_set_ret(struct arch_ctx *ctx, uint64_t val)
{
	ctx->x[REG_A0] = val;
}
