/* Running a shard until it traps and decoding the trap. System calls:
 * SYSCALL with the number in rax, arguments in rdi, rsi, rdx, r10 (rcx and
 * r11 are the CPU's, SDM Vol. 2B SYSCALL), result in rax. Exceptions (SDM
 * Vol. 3A §6.15) become kern's fault kinds: #PF read/write/exec from its
 * error code (Figure 4-12) with the address from CR2; #UD undef; #GP from
 * a port I/O instruction a read or write of that port (IOPL 0, no I/O
 * bitmap: ports are never granted), from another privileged instruction
 * undef, else other; #AC align; #DE, #MF, #XM and the rest other, with
 * t->code = vector << 32 | error code. #NM is the lazy FPU switch (fpu.c),
 * not a fault.
 *
 * One hypervisor quirk is absorbed here: PVM (the kvm_pvm module, a KVM
 * that runs guests without VMX; it backs /dev/kvm on the bench machine)
 * delivers a SYSCALL from CPL 3 to a guest that does not speak its PVM
 * event ABI by jumping to IA32_LSTAR while staying at CPL 3: the fetch
 * there faults. That #PF -- a user instruction fetch at exactly
 * x86_syscall_entry, with RCX = the return RIP and R11 = RFLAGS as SYSCALL
 * left them -- is the system call it was, returned from by IRETQ. A shard
 * jumping there itself gains nothing it could not do with SYSCALL. */
#include <stddef.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <x86/plat.h>
#include <x86/regs.h>

/* entry.S reaches struct arch_ctx and struct x86_cpu by these offsets. */
_Static_assert(offsetof(struct arch_ctx, rax) == X86_CTX_RAX, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, rsp) == X86_CTX_RSP, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, r8) == X86_CTX_R8, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, r15) == X86_CTX_R15, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, rip) == X86_CTX_RIP, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, rflags) == X86_CTX_RFLAGS, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, sysret) == X86_CTX_SYSRET, "ctx.h offsets");
_Static_assert(offsetof(struct arch_ctx, xsave) == X86_CTX_XSAVE, "ctx.h offsets");
_Static_assert(offsetof(struct x86_cpu, self) == X86_CPU_SELF, "layout.h offsets");
_Static_assert(offsetof(struct x86_cpu, ctx) == X86_CPU_CTX, "layout.h offsets");
_Static_assert(offsetof(struct x86_cpu, ksp) == X86_CPU_KSP, "layout.h offsets");
_Static_assert(offsetof(struct x86_cpu, vector) == X86_CPU_VECTOR, "layout.h offsets");
_Static_assert(offsetof(struct x86_cpu, error) == X86_CPU_ERROR, "layout.h offsets");
_Static_assert(offsetof(struct x86_cpu, scratch) == X86_CPU_SCRATCH, "layout.h offsets");

enum {
	VEC_DE = 0,
	VEC_UD = 6,
	VEC_NM = 7,
	VEC_GP = 13,
	VEC_PF = 14,
	VEC_AC = 17,
};
#define PF_WRITE (1u << 1)
#define PF_USER	 (1u << 2)
#define PF_FETCH (1u << 4)
/* The flags a shard may keep: CF PF AF ZF SF TF DF OF AC ID (SDM Vol. 1
 * §3.4.3). IF is always set, IOPL and NT always clear (an IRET with NT = 1
 * in 64-bit mode is #GP). */
#define RFLAGS_USER 0x240dd5ul

void arch_ctx_init(struct arch_ctx *ctx, const struct tess_shard_cfg *cfg, uint64_t entry, uint64_t sp,
		   uint64_t arg0)
{
	x86_fpu_forget(ctx, cfg->core);
	uint64_t *r = &ctx->rax;
	for (unsigned i = 0; i < 16; i++)
		r[i] = 0;
	ctx->rip = entry;
	ctx->rsp = sp; /* 16-byte aligned: _tess_start calls with the ABI's alignment */
	ctx->rdi = arg0;
	ctx->rflags = RFLAGS_IF | RFLAGS_FIXED;
	ctx->sysret = 0;
	ctx->fp_used = 0;
	ctx->segs = (struct x86_segs){0}; /* null selectors */
}

void arch_ctx_set_ret(struct arch_ctx *ctx, uint64_t val)
{
	ctx->rax = val;
}

/* Up to `n` instruction bytes at the shard's `va`, read through the
 * kernel's mapping of the executable map that holds them. */
static unsigned fetch(const struct tess_shard_cfg *cfg, uint64_t va, uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];
		if (!(m->attr & TESS_MAP_X) || va < m->va || va - m->va >= m->size)
			continue;
		if (n > m->va + m->size - va)
			n = (unsigned)(m->va + m->size - va);
		const uint8_t *p = x86_kva(m->pa + (va - m->va));
		for (unsigned k = 0; k < n; k++)
			buf[k] = p[k];
		return n;
	}
	return 0;
}

/* #GP at CPL 3: which instruction (SDM Vol. 2 opcode map, Table ). */
static void general_protection(const struct tess_shard_cfg *cfg, const struct arch_ctx *ctx, struct trap *t)
{
	uint8_t b[15];
	unsigned n = fetch(cfg, ctx->rip, b, sizeof(b)), i = 0;
	while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
			 b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x26 || b[i] == 0x64 ||
			 b[i] == 0x65 || (b[i] & 0xf0) == 0x40))
		i++;
	t->fault = FAULT_OTHER;
	t->addr = ctx->rip;
	if (i >= n)
		return;
	uint8_t op = b[i];
	if ((op >= 0xe4 && op <= 0xe7 && i + 1 < n) || (op >= 0xec && op <= 0xef) ||
	    (op >= 0x6c && op <= 0x6f)) {
		/* IN/OUT imm8 (E4-E7), IN/OUT dx (EC-EF), INS/OUTS (6C-6F). */
		bool out = op == 0xe6 || op == 0xe7 || op == 0xee || op == 0xef || op == 0x6e || op == 0x6f;
		t->fault = out ? FAULT_WRITE : FAULT_READ;
		t->addr = op <= 0xe7 && op >= 0xe4 ? b[i + 1] : ctx->rdx & 0xffff;
		return;
	}
	/* HLT, CLI, STI; 0F 00/01 (descriptor tables, UMIP), 06 CLTS, 08/09
	 * INVD/WBINVD, 20-23 MOV CR/DR, 30-33 WRMSR/RDTSC(TSD)/RDMSR/RDPMC. */
	if (op == 0xf4 || op == 0xfa || op == 0xfb)
		t->fault = FAULT_UNDEF;
	else if (op == 0x0f && i + 1 < n) {
		uint8_t op2 = b[i + 1];
		if (op2 <= 0x01 || op2 == 0x06 || op2 == 0x08 || op2 == 0x09 ||
		    (op2 >= 0x20 && op2 <= 0x23) || (op2 >= 0x30 && op2 <= 0x33))
			t->fault = FAULT_UNDEF;
	}
}

static void exception(const struct tess_shard_cfg *cfg, const struct arch_ctx *ctx, uint64_t vector,
		      uint64_t error, struct trap *t)
{
	t->kind = TRAP_FAULT;
	t->pc = ctx->rip;
	t->code = vector << 32 | (error & 0xffffffff);
	t->addr = ctx->rip;
	switch (vector) {
	case VEC_PF:
		t->addr = CR_READ(cr2);
		t->fault = (error & PF_FETCH) ? FAULT_EXEC : (error & PF_WRITE) ? FAULT_WRITE : FAULT_READ;
		return;
	case VEC_UD:
		t->fault = FAULT_UNDEF;
		return;
	case VEC_GP:
		general_protection(cfg, ctx, t);
		return;
	case VEC_AC:
		t->fault = FAULT_ALIGN;
		return;
	case VEC_DE:
	default:
		t->fault = FAULT_OTHER;
		return;
	}
}

/* The data segment selectors are the per-core state a shard may write
 * besides its general and FPU/SIMD registers: a MOV to DS, ES, FS or GS at
 * CPL 3 takes a null selector or the user data or code selector (SDM Vol.
 * 3A §5.6, Vol. 2B MOV), SYSRET leaves them and IRETQ nulls only those of
 * a DPL below 3 (Vol. 2B SYSRET, Vol. 2A IRET), and the kernel does not
 * load them, so the next shard of the core would read them. They are kept per
 * shard, as aarch64 keeps TPIDR_EL0. The bases are not a shard's to set:
 * RD/WR{FS,GS}BASE are #UD (CR4.FSGSBASE = 0), WRMSR is CPL 0, and the
 * GDT's user descriptors have base 0 (no LDT), so they stay 0. */
static void segs_save(struct x86_segs *sg)
{
	__asm__ volatile("movw %%ds, %0\n movw %%es, %1\n movw %%fs, %2\n movw %%gs, %3"
			 : "=m"(sg->ds), "=m"(sg->es), "=m"(sg->fs), "=m"(sg->gs));
}

/* Loads only what differs: a segment load is a descriptor check, and
 * shards rarely touch these. GS.base is the per-core struct while the
 * kernel runs (interrupts off), so GS is loaded between two SWAPGS: into
 * the shard's side, whose base the descriptor makes 0 as it was. */
static void segs_load(const struct x86_segs *sg)
{
	struct x86_segs now;

	segs_save(&now);
	if (now.ds != sg->ds)
		__asm__ volatile("movw %0, %%ds" ::"m"(sg->ds));
	if (now.es != sg->es)
		__asm__ volatile("movw %0, %%es" ::"m"(sg->es));
	if (now.fs != sg->fs)
		__asm__ volatile("movw %0, %%fs" ::"m"(sg->fs));
	if (now.gs != sg->gs)
		__asm__ volatile("swapgs\n movw %0, %%gs\n swapgs" ::"m"(sg->gs) : "memory");
}

void arch_shard_run(struct kern_shard *s, struct arch_ctx *ctx, struct trap *t)
{
	struct x86_cpu *cpu = x86_this_cpu();
	const struct tess_shard_cfg *cfg = kern_shard_cfg(s);
	x86_mmu_switch(cpu, x86_shard_cr3(cfg->id));
	segs_load(&ctx->segs);
	for (;;) {
		uint32_t gsi;
		if (plat_irq_trap(x86_irq_take(cpu, &gsi), &gsi, ctx->rip, t))
			return;
		/* Only a canonical lower-half RIP is ever resumed: SYSRET to a
		 * non-canonical RCX would fault at CPL 0 on the shard's stack,
		 * IRETQ to one at CPL 0 with the shard's GS (SDM Vol. 2B SYSRET,
		 * IRET). No map reaches the last lower-half page, so a SYSCALL
		 * there cannot yield one either; this is the backstop. */
		if (ctx->rip >= X86_USER_TOP) {
			*t = (struct trap){
				.kind = TRAP_FAULT, .fault = FAULT_EXEC, .addr = ctx->rip, .pc = ctx->rip};
			return;
		}
		ctx->rflags = (ctx->rflags & RFLAGS_USER) | RFLAGS_IF | RFLAGS_FIXED;
		x86_fpu_enter(cpu, ctx);
		x86_bench_enter(cpu, ctx);
		uint64_t v = x86_enter_user(ctx);
		segs_save(&ctx->segs);
		if (v == VEC_PF && ctx->rip == (uint64_t)(uintptr_t)x86_syscall_entry &&
		    (cpu->error & (PF_USER | PF_FETCH)) == (PF_USER | PF_FETCH)) {
			ctx->rip = ctx->rcx;
			ctx->rflags = ctx->r11;
			v = X86_TRAP_SYSCALL;
		}
		if (v == X86_TRAP_SYSCALL) {
			t->kind = TRAP_SYSCALL;
			t->pc = ctx->rip;
			t->nr = ctx->rax;
			t->arg[0] = ctx->rdi;
			t->arg[1] = ctx->rsi;
			t->arg[2] = ctx->rdx;
			t->arg[3] = ctx->r10;
			x86_bench_trap(cpu, ctx, TRAP_SYSCALL);
			return;
		}
		if (v == VEC_NM) {
			x86_fpu_trap(cpu, ctx);
			continue;
		}
		if (v < 32) {
			exception(cfg, ctx, v, cpu->error, t);
			x86_bench_trap(cpu, ctx, TRAP_FAULT);
			return;
		}
		x86_irq_record(cpu, (unsigned)v);
	}
}

/* An interrupt in plat_idle (recorded, handled after hlt), or an exception
 * in the kernel: a bug, x86_panic. */
void x86_kernel_trap(struct x86_kframe *f);
void x86_kernel_trap(struct x86_kframe *f)
{
	if (f->vector >= 32) {
		x86_irq_record(x86_this_cpu(), (unsigned)f->vector);
		return;
	}
	x86_panic(f);
}
