/* Running a shard until it traps, and decoding the trap (scause values:
 * priv spec v1.12 §4.1.8, Table 4.2). System calls: number in a7, arguments
 * in a0..a3, result in a0; sepc is advanced past the 4-byte ecall. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/halt.h>
#include <rv/csr.h>
#include <rv/plat.h>

void rv_enter_user(struct arch_ctx *ctx);
void rv_fp_enter(struct rv_cpu *cpu, struct arch_ctx *ctx);
void rv_fp_leave(struct rv_cpu *cpu, struct arch_ctx *ctx);
extern bool rv_asid_flush;

enum { REG_A0 = 10, REG_A7 = 17 };

static void fault(struct trap *t, uint32_t kind)
{
	t->kind = TRAP_FAULT;
	t->fault = kind;
}

static void exception(struct arch_ctx *ctx, unsigned long cause, struct trap *t)
{
	switch (cause) {
	case EXC_ECALL_U:
		ctx->pc += 4;
		t->kind = TRAP_SYSCALL;
		t->nr = ctx->x[REG_A7];
		for (unsigned i = 0; i < 4; i++)
			t->arg[i] = ctx->x[REG_A0 + i];
		return;
	case EXC_LOAD_PAGE:
	case EXC_LOAD_ACCESS:
		fault(t, FAULT_READ);
		return;
	case EXC_STORE_PAGE:
	case EXC_STORE_ACCESS:
		fault(t, FAULT_WRITE);
		return;
	case EXC_INST_PAGE:
	case EXC_INST_ACCESS:
		fault(t, FAULT_EXEC);
		return;
	case EXC_ILLEGAL:
		fault(t, FAULT_UNDEF);
		return;
	case EXC_INST_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		fault(t, FAULT_ALIGN);
		return;
	default:
		fault(t, FAULT_OTHER);
		return;
	}
}

/* true: the kernel must see this trap; false: resume the shard. */
static bool interrupt(struct rv_cpu *cpu, unsigned long cause, struct trap *t)
{
	switch (cause) {
	case IRQ_S_TIMER:
		rv_tick(cpu->core);
		t->kind = TRAP_TICK;
		return true;
	case IRQ_S_EXT:
		t->irq = rv_plic_claim_mask(cpu->core);
		t->kind = TRAP_IRQ;
		return t->irq != 0;
	case IRQ_S_SOFT:
	default:
		/* An IPI only wakes plat_idle; a running shard keeps its turn and
		 * the scheduler sees the new pending bits when it yields. */
		csr_clear(sip, SIP_SSIP);
		return false;
	}
}

void arch_shard_run(struct kern_shard *s, struct arch_ctx *ctx, struct trap *t)
{
	struct rv_cpu *cpu = rv_this_cpu();
	(void)s;

	/* The shard's code may have been (re)written by plat_shard_load on
	 * any core: fence.i orders those stores before our fetches (unprivileged
	 * spec v20191213, ch. 3 "Zifencei"). */
	if (cpu->fence_gen != rv_load_gen) {
		cpu->fence_gen = rv_load_gen;
		rv_fence_i();
	}
	if (csr_read(satp) != ctx->satp) {
		csr_write(satp, ctx->satp);
		if (rv_asid_flush)
			rv_sfence_all();
	}
	for (;;) {
		rv_fp_enter(cpu, ctx);
		/* Return to U-mode with SUM off: the kernel reaches shard memory
		 * only through its own mapping (plat_pa_to_kva), §4.1.1.2. */
		csr_clear(sstatus, SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SUM);
		rv_enter_user(ctx);
		rv_fp_leave(cpu, ctx);
		if (tess_halting)
			rv_park();
		unsigned long cause = csr_read(scause);
		*t = (struct trap){.pc = ctx->pc, .code = cause};
		if (cause & SCAUSE_INTR) {
			if (interrupt(cpu, cause & ~SCAUSE_INTR, t))
				return;
			continue;
		}
		t->addr = csr_read(stval);
		exception(ctx, cause, t);
		return;
	}
}
