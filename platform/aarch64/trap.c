/* Shard contexts and the EL0 round trip: arch_shard_run switches TTBR0 to
 * the shard, erets (a64_enter_user) and turns whatever exception brought
 * the core back into a struct trap. */
#include <stddef.h>
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/kern.h>

/* ESR_EL1.EC values (Arm ARM DDI0487 D17.2 ESR_EL1, table of exception
 * classes) for exceptions taken from EL0. */
#define EC_UNKNOWN     0x00
#define EC_WFX	       0x01
#define EC_FP	       0x07
#define EC_ILLEGAL     0x0e
#define EC_SVC64       0x15
#define EC_SYSREG      0x18
#define EC_IABT_LOW    0x20
#define EC_PC_ALIGN    0x22
#define EC_DABT_LOW    0x24
#define EC_SP_ALIGN    0x26
#define ISS_WNR	       (1u << 6) /* data abort: the access was a write */
#define DFSC_ALIGNMENT 0x21

_Static_assert(offsetof(struct arch_ctx, sp) == A64_CTX_SP && offsetof(struct arch_ctx, pc) == A64_CTX_PC &&
		       offsetof(struct arch_ctx, spsr) == A64_CTX_SPSR &&
		       offsetof(struct arch_ctx, fpcr) == A64_CTX_FPCR &&
		       offsetof(struct arch_ctx, v) == A64_CTX_V &&
		       offsetof(struct arch_ctx, tpidr) == A64_CTX_TPIDR &&
		       sizeof(struct arch_ctx) == A64_CTX_SIZE,
	       "A64_CTX_* offsets (arch/ctx.h)");

/* Whose FP/SIMD state each core's registers hold. The kernel never uses
 * them, so they are saved and reloaded only when a different shard runs
 * on the core (shards never move between cores). */
static struct arch_ctx *fp_owner[TESS_MAX_CORES];

void arch_ctx_init(struct arch_ctx *ctx, const struct tess_shard_cfg *cfg, uint64_t entry, uint64_t sp,
		   uint64_t arg0)
{
	/* A fresh start gets zeroed FP/SIMD state, not its past registers. */
	if (cfg->core < TESS_MAX_CORES && fp_owner[cfg->core] == ctx)
		fp_owner[cfg->core] = 0;
	ctx->fpcr = ctx->fpsr = 0;
	for (unsigned i = 0; i < 32; i++)
		ctx->v[i] = 0;
	for (unsigned i = 0; i < 31; i++)
		ctx->x[i] = 0;
	ctx->x[0] = arg0;
	ctx->tpidr = 0;
	ctx->sp = sp;
	ctx->pc = entry;
	ctx->spsr = 0; /* EL0t, DAIF clear: IRQs reach the kernel (D1.4 SPSR) */
}

void arch_ctx_set_ret(struct arch_ctx *ctx, uint64_t val)
{
	ctx->x[0] = val;
}

static void decode_sync(const struct arch_ctx *ctx, struct trap *t)
{
	uint64_t esr = SYSREG_READ(esr_el1);
	unsigned ec = (unsigned)(esr >> 26) & 0x3f;
	t->code = esr;
	t->pc = ctx->pc;
	t->addr = 0;
	t->kind = TRAP_FAULT;
	switch (ec) {
	case EC_SVC64: /* tess_syscall: number in x8, arguments x0-x3 */
		t->kind = TRAP_SYSCALL;
		t->nr = ctx->x[8];
		for (unsigned i = 0; i < 4; i++)
			t->arg[i] = ctx->x[i];
		return;
	case EC_DABT_LOW:
		t->addr = SYSREG_READ(far_el1);
		if ((esr & 0x3f) == DFSC_ALIGNMENT)
			t->fault = FAULT_ALIGN;
		else
			t->fault = (esr & ISS_WNR) ? FAULT_WRITE : FAULT_READ;
		return;
	case EC_IABT_LOW:
		t->addr = SYSREG_READ(far_el1);
		t->fault = FAULT_EXEC;
		return;
	case EC_PC_ALIGN:
	case EC_SP_ALIGN:
		t->addr = ec == EC_PC_ALIGN ? SYSREG_READ(far_el1) : ctx->sp;
		t->fault = FAULT_ALIGN;
		return;
	case EC_UNKNOWN:
	case EC_ILLEGAL:
	case EC_FP:
	case EC_SYSREG:
		t->fault = FAULT_UNDEF;
		return;
	default:
		t->fault = FAULT_OTHER;
		return;
	}
}

void arch_shard_run(struct kern_shard *s, struct arch_ctx *ctx, struct trap *t)
{
	const struct tess_shard_cfg *cfg = kern_shard_cfg(s);
	unsigned core = plat_core_id();
	SYSREG_WRITE(ttbr0_el1, a64_ttbr0_of(cfg->id));
	ISB();
	if (fp_owner[core] != ctx) {
		if (fp_owner[core])
			a64_fp_save(fp_owner[core]);
		a64_fp_load(ctx);
		fp_owner[core] = ctx;
	}
	for (;;) {
		if (a64_enter_user(ctx) == 0) {
			decode_sync(ctx, t);
			return;
		}
		uint32_t irq;
		if (plat_irq_trap(a64_irq_drain(core, &irq), &irq, ctx->pc, t))
			return;
	}
}
