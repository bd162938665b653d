/* The normal build: no kernel-path stamps (see bench_on.c). */
#include <x86/plat.h>

void x86_bench_trap(struct x86_cpu *cpu, const struct arch_ctx *ctx, uint64_t kind)
{
	(void)cpu;
	(void)ctx;
	(void)kind;
}

void x86_bench_enter(struct x86_cpu *cpu, const struct arch_ctx *ctx)
{
	(void)cpu;
	(void)ctx;
}

void x86_bench_ipi(unsigned core)
{
	(void)core;
}

void x86_bench_report(void)
{
}
