/* Shard FP state, switched lazily. sstatus.FS tracks whether the F/D
 * registers changed (priv spec v1.12 §3.1.6.6): the shard runs with FS =
 * Initial (never used FP) or Clean; the hardware sets Dirty on a write, and
 * only then do we save. Registers are reloaded only when another shard's
 * values (or a stale one's) are live, and zeroed before a shard that never
 * used FP runs after one that did, so no values leak between shards. */
#include <arch/ctx.h>
#include <rv/csr.h>
#include <rv/plat.h>

void rv_fp_save(struct arch_ctx *ctx);
void rv_fp_restore(const struct arch_ctx *ctx);

static const struct arch_ctx zero_ctx;
/* Whose values the FP registers hold on each core (NULL: zeros). */
static const struct arch_ctx *fp_owner[TESS_MAX_CORES];

void rv_fp_enter(struct rv_cpu *cpu, struct arch_ctx *ctx)
{
	const struct arch_ctx **owner = &fp_owner[cpu->core];

	csr_set(sstatus, SSTATUS_FS_CLEAN); /* FS != Off so we may restore */
	if (ctx->fp_used) {
		if (*owner != ctx)
			rv_fp_restore(ctx);
		*owner = ctx;
	} else if (*owner) {
		rv_fp_restore(&zero_ctx);
		*owner = 0;
	}
	csr_clear(sstatus, SSTATUS_FS);
	csr_set(sstatus, ctx->fp_used ? SSTATUS_FS_CLEAN : SSTATUS_FS_INITIAL);
}

void rv_fp_leave(struct rv_cpu *cpu, struct arch_ctx *ctx)
{
	if ((csr_read(sstatus) & SSTATUS_FS) == SSTATUS_FS) {
		rv_fp_save(ctx);
		ctx->fp_used = 1;
		fp_owner[cpu->core] = ctx;
		csr_clear(sstatus, SSTATUS_FS);
		csr_set(sstatus, SSTATUS_FS_CLEAN);
	}
}
