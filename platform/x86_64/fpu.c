/* Shard FPU/SIMD state, switched lazily with CR0.TS (SDM Vol. 3A §2.5 and
 * §13.4 "Designing OS Facilities for Saving x87 FPU, SSE and Extended
 * States on Task or Context Switches"). The kernel is built without x87/
 * SSE/AVX, so the registers only ever hold shard values. A shard runs with
 * TS = 0 only if the registers hold its own state; otherwise its first
 * x87/SSE/AVX instruction raises #NM (trap.c), and only then is the
 * previous owner's state saved (XSAVE, or FXSAVE without XSAVE) and the
 * shard's own -- or, for a shard that never used the FPU, the initial
 * state -- loaded. So no values leak between shards and a shard that never
 * touches the FPU costs nothing. */
#include <kern/kern.h>
#include <x86/plat.h>
#include <x86/regs.h>

/* Initial state for XRSTOR (XSTATE_BV = 0: every component to its init
 * state, MXCSR from here, SDM Vol. 1 §13.8.1) and FXRSTOR (FCW 0x37f,
 * tags empty, MXCSR 0x1f80, registers zero; §10.5.1 Table 10-2). */
static _Alignas(64) uint8_t init_state[X86_XSAVE_BYTES] = {
	[0] = 0x7f,
	[1] = 0x03,
	[24] = 0x80,
	[25] = 0x1f,
};

static void save(struct arch_ctx *ctx)
{
	if (x86_feat.xsave)
		__asm__ volatile("xsave64 %0"
				 : "=m"(ctx->xsave)
				 : "a"((uint32_t)x86_feat.xcr0), "d"((uint32_t)(x86_feat.xcr0 >> 32)));
	else
		__asm__ volatile("fxsave64 %0" : "=m"(ctx->xsave));
}

static void restore(const uint8_t *area)
{
	if (x86_feat.xsave)
		__asm__ volatile("xrstor64 %0" ::"m"(*(const uint8_t(*)[X86_XSAVE_BYTES])area),
				 "a"((uint32_t)x86_feat.xcr0), "d"((uint32_t)(x86_feat.xcr0 >> 32)));
	else
		__asm__ volatile("fxrstor64 %0" ::"m"(*(const uint8_t(*)[512])area));
}

/* The components to switch: x87 and SSE always, AVX and AVX-512 when the
 * CPU has them and their XSAVE area fits struct arch_ctx (SDM Vol. 1 §13.2:
 * CPUID.(EAX=0DH,ECX=0) EAX/EDX supported, EBX size for the current XCR0). */
static void choose_xcr0(void)
{
	struct cpuid d = cpuid(0xd, 0);
	uint64_t supported = (uint64_t)d.d << 32 | d.a;
	uint64_t want = XCR0_X87 | XCR0_SSE | (supported & XCR0_AVX);
	if ((supported & XCR0_AVX512) == XCR0_AVX512 && (want & XCR0_AVX))
		want |= XCR0_AVX512;
	for (;;) {
		xsetbv(0, want);
		uint32_t size = cpuid(0xd, 0).b;
		if (size <= X86_XSAVE_BYTES || !(want & ~(XCR0_X87 | XCR0_SSE))) {
			x86_feat.xcr0 = want;
			x86_feat.xsave_size = size;
			return;
		}
		want &= (want & XCR0_AVX512) ? ~XCR0_AVX512 : ~XCR0_AVX;
	}
}

void x86_fpu_init(void)
{
	static bool chosen;
	struct x86_cpu *cpu = x86_this_cpu();
	if (x86_feat.xsave) {
		CR_WRITE(cr4, CR_READ(cr4) | CR4_OSXSAVE);
		if (!chosen) {
			choose_xcr0();
			chosen = true;
			kern_log("x86: FPU/SIMD state switched lazily by XSAVE: XCR0 0x%lx, %u bytes",
				 (unsigned long)x86_feat.xcr0, x86_feat.xsave_size);
		}
		xsetbv(0, x86_feat.xcr0);
	} else if (!chosen) {
		chosen = true;
		kern_log("x86: FPU/SIMD state switched lazily by FXSAVE (no XSAVE): x87 and SSE");
	}
	cpu->fp_owner = 0;
	CR_WRITE(cr0, CR_READ(cr0) | CR0_TS);
	cpu->fp_ts = 1;
}

void x86_fpu_enter(struct x86_cpu *cpu, struct arch_ctx *ctx)
{
	uint32_t ts = cpu->fp_owner != ctx;
	if (ts == cpu->fp_ts)
		return;
	if (ts)
		CR_WRITE(cr0, CR_READ(cr0) | CR0_TS);
	else
		__asm__ volatile("clts");
	cpu->fp_ts = ts;
}

void x86_fpu_trap(struct x86_cpu *cpu, struct arch_ctx *ctx)
{
	__asm__ volatile("clts");
	cpu->fp_ts = 0;
	if (cpu->fp_owner == ctx)
		return;
	if (cpu->fp_owner)
		save(cpu->fp_owner);
	restore(ctx->fp_used ? ctx->xsave : init_state);
	ctx->fp_used = 1;
	cpu->fp_owner = ctx;
}

/* A shard starts afresh (arch_ctx_init): its old values must not come back. */
void x86_fpu_forget(const struct arch_ctx *ctx, unsigned core)
{
	if (core < TESS_MAX_CORES && x86_cpus[core].fp_owner == ctx)
		x86_cpus[core].fp_owner = 0;
}
