/* Interfaces between the files of the x86_64 platform (not seen by kern/). */
#ifndef X86_PLAT_H
#define X86_PLAT_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/ctx.h>
#include <tessera/limits.h>
#include <tessera/tables.h>
#include <plat/irq.h>
#include <x86/layout.h>

/* 64-bit TSS, SDM Vol. 3A §7.7 (Figure 7-11). iomap_base beyond the limit:
 * no I/O permission bitmap, so with IOPL 0 every port access at CPL 3
 * raises #GP (SDM Vol. 1 ch. 19 "Input/Output", I/O permission bit map). */
struct x86_tss {
	uint32_t res0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t res1;
	uint64_t ist[7];
	uint64_t res2;
	uint16_t res3, iomap_base;
} __attribute__((packed));

/* Per-core state; GS.base points at the running core's entry in the kernel
 * (user mode holds it in IA32_KERNEL_GS_BASE, SWAPGS on every crossing).
 * The first fields are entry.S's (X86_CPU_* offsets). */
struct x86_cpu {
	struct x86_cpu *self;
	struct arch_ctx *ctx; /* the shard context being run */
	uint64_t ksp;	      /* kernel rsp inside x86_enter_user */
	uint64_t vector, error;
	uint64_t scratch;
	unsigned core;
	uint32_t apic_id;
	uint64_t gsi_pending;	   /* device GSIs taken and masked, not yet handed to kern/ */
	uint32_t events;	   /* X86_EV_* */
	uint64_t next_tick;	   /* TSC value of the next tick (TSC-deadline mode) */
	struct arch_ctx *fp_owner; /* whose FPU/SIMD state the registers hold */
	uint32_t fp_ts;		   /* CR0.TS as last written */
	uint64_t cr3;
	volatile uint32_t parked, started;
	struct x86_tss tss;
	uint64_t gdt[8];
};

#define X86_EV_TICK    1u
#define X86_EV_CONSOLE 2u

extern struct x86_cpu x86_cpus[TESS_MAX_CORES];

static inline struct x86_cpu *x86_this_cpu(void)
{
	struct x86_cpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

static inline void *x86_kva(uint64_t pa)
{
	return (void *)(uintptr_t)(pa >= X86_DEV_BASE ? pa + X86_DEV_KOFF : pa + X86_KOFF);
}

static inline uint64_t x86_kpa(const void *kva)
{
	return (uint64_t)(uintptr_t)kva - X86_KOFF;
}

/* cpu.c: CPU features (CPUID) and per-core set-up. */
struct x86_features {
	bool x2apic, tsc_deadline, pcid, invpcid, xsave, smep, smap, umip, rdtscp;
	uint64_t xcr0;	     /* state components XSAVE switches */
	uint32_t xsave_size; /* bytes of the XSAVE area for xcr0 */
};
extern struct x86_features x86_feat;
int x86_features_probe(void);	   /* boot core; -1 after logging if unusable */
void x86_cpu_early(unsigned core); /* GS.base -> x86_cpus[core], first thing on a core */
void x86_cpu_init(unsigned core);  /* GDT, TSS, IDT, control registers, MSRs */

/* entry.S */
uint64_t x86_enter_user(struct arch_ctx *ctx); /* a vector, or X86_TRAP_SYSCALL */
extern const uint64_t x86_vector_stubs[256];
void x86_syscall_entry(void);

/* pvh.c / acpi.c: what the boot loader and firmware describe. */
#define X86_MAX_RAM	16
#define X86_MAX_CPUS	64
#define X86_MAX_IOAPICS 4
#define X86_MAX_ISO	16
struct x86_board {
	uint64_t rsdp_pa;
	unsigned nram;
	struct {
		uint64_t pa, size;
	} ram[X86_MAX_RAM]; /* PVH memory map, type 1 (RAM) */
	uint64_t lapic_pa;
	bool pic; /* MADT PCAT_COMPAT: a legacy 8259 pair to mask */
	unsigned ncpus;
	struct {
		uint32_t apic_id;
		bool enabled;
	} cpu[X86_MAX_CPUS];
	unsigned nioapics;
	struct {
		uint64_t pa;
		uint32_t gsi_base, pins;
	} ioapic[X86_MAX_IOAPICS];
	unsigned niso;
	struct {
		uint32_t source, gsi;
		uint16_t flags;
	} iso[X86_MAX_ISO];
};
extern struct x86_board x86_board;
int x86_pvh_parse(uint64_t start_info_pa); /* RAM map and RSDP; -1 after logging */
int x86_acpi_parse(void);		   /* MADT: CPUs, IOAPICs, overrides */
/* board.c: RAM, cores and devices against tess_board (plat/board.h). */
int x86_board_check(void);

/* uart.c: 16550 on an I/O port. */
void x86_uart_init(uint16_t port);
void x86_uart_puts(const char *s);
void x86_uart_rx_enable(void);
void x86_uart_rx_drain(void); /* every received byte to kern/reload */

/* mmu_kernel.c / mmu_shard.c */
void x86_mmu_kernel_init(void);
void x86_mmu_kernel_switch(void);
extern uint64_t x86_kernel_pml4[512];
uint64_t x86_shard_cr3(unsigned shard_id); /* PML4 PA | PCID */
/* Load a shard's CR3 on this core (PCID: without flushing its entries). */
void x86_mmu_switch(struct x86_cpu *cpu, uint64_t cr3);
/* Before a lane of multi-core shard `cfg` runs on `core`: drop stale
 * translations and serialize after a (re)load on another core. */
void x86_mmu_lane_sync(unsigned core, const struct tess_shard_cfg *cfg);

/* apic.c: the local APIC, x2APIC (MSRs) when offered, else xAPIC (MMIO). */
void x86_lapic_init(void); /* this core: enable, mask LINTs, spurious vector */
uint32_t x86_lapic_id(void);
void x86_lapic_eoi(void);
void x86_lapic_ipi(uint32_t apic_id, uint32_t vector);
void x86_lapic_init_ipi(uint32_t apic_id);
void x86_lapic_sipi(uint32_t apic_id, uint32_t tramp_pa);
void x86_lapic_timer_periodic(uint32_t vector, uint32_t count);
void x86_lapic_timer_deadline_mode(uint32_t vector);
uint32_t x86_lapic_timer_count(void); /* current count (calibration) */
void x86_lapic_timer_oneshot(uint32_t count);

/* ioapic.c */
int x86_ioapic_init(void); /* mask every pin; route each granted GSI to its owner */
int x86_ioapic_route(uint32_t gsi, unsigned core, uint32_t vector);
void x86_ioapic_mask(uint32_t gsi, bool masked);

/* timer.c */
void x86_timer_mark_boot(void);
void x86_timer_calibrate(void);		   /* boot core: TSC and LAPIC timer against the PIT */
void x86_timer_start(struct x86_cpu *cpu); /* this core's tick */
void x86_timer_rearm(struct x86_cpu *cpu);
extern uint64_t x86_tsc_hz;

/* irq.c: interrupts, from user mode (trap.c) or in plat_idle (smp.c). */
void x86_irq_record(struct x86_cpu *cpu, unsigned vector);
enum plat_irq x86_irq_take(struct x86_cpu *cpu, uint32_t *gsi);

/* fpu.c */
void x86_fpu_init(void); /* this core: CR0/CR4/XCR0 for lazy FPU */
void x86_fpu_enter(struct x86_cpu *cpu, struct arch_ctx *ctx);
void x86_fpu_trap(struct x86_cpu *cpu, struct arch_ctx *ctx); /* #NM from the shard */
void x86_fpu_forget(const struct arch_ctx *ctx, unsigned core);

/* smp.c / halt */
_Noreturn void x86_park(void);
void x86_stop_others(void); /* waits up to 100 ms */
_Noreturn void x86_cpu_go(unsigned core);

/* bench_on.c / bench_off.c: kernel-path stamps of the benchmark build. */
void x86_bench_trap(struct x86_cpu *cpu, const struct arch_ctx *ctx, uint64_t kind); /* enum trap_kind */
void x86_bench_enter(struct x86_cpu *cpu, const struct arch_ctx *ctx);
void x86_bench_ipi(unsigned core);
void x86_bench_report(void); /* core 0, on its ticks */

/* panic.c: an exception taken in the kernel. */
struct x86_kframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};
_Noreturn void x86_panic(const struct x86_kframe *f);

#endif
