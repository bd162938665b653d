/* Interfaces between the files of the riscv64 platform (not seen by kern/). */
#ifndef RV_PLAT_H
#define RV_PLAT_H

#include <stdbool.h>
#include <stdint.h>
#include <rv/layout.h>
#include <tessera/limits.h>
#include <tessera/tables.h>

/* Per-core state; tp points at the running core's entry in kernel mode. */
struct rv_cpu {
	/* First: vectors.S loads it at offset 0 (RV_CPU_PANIC_SP). */
	uint64_t panic_sp; /* top of this core's panic stack */
	unsigned core;
	unsigned long hartid;
	uint64_t next_tick;	  /* time CSR value of the next tick */
	uint64_t fence_gen;	  /* rv_load_gen this core has fence.i'd for */
	volatile uint32_t parked; /* set by rv_park (halt.c) */
};

extern struct rv_cpu rv_cpus[TESS_MAX_CORES];

static inline struct rv_cpu *rv_this_cpu(void)
{
	struct rv_cpu *c;
	__asm__ volatile("mv %0, tp" : "=r"(c));
	return c;
}

static inline void *rv_kva(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + RV_KOFF);
}

static inline uint64_t rv_kpa(const void *kva)
{
	return (uint64_t)(uintptr_t)kva - RV_KOFF;
}

/* uart.c: NS16550 on the board console. */
void rv_uart_init(uint64_t pa);
void rv_uart_puts(const char *s);
void rv_uart_rx_enable(void);
void rv_uart_rx_drain(void); /* every received byte to kern/reload */

/* mmu_kernel.c: the fine-grained kernel table; every core switches to it. */
void rv_mmu_kernel_init(void);
void rv_mmu_kernel_switch(void);
extern uint64_t rv_kernel_root[512];
/* mmu_shard.c: the shard's satp, and the Sv39 entry format of shard
 * tables (plat/pt.h; mmu_exec.c moves the image's W^X split with it). */
struct pt_fmt;
uint64_t rv_shard_satp(unsigned shard_id);
extern const struct pt_fmt rv_shard_pt;

/* dtb.c: what the platform reads from the device tree. */
struct rv_board {
	uint64_t timebase_hz;
	unsigned nharts; /* harts 0..nharts-1 exist and run cores 0..nharts-1 */
	uint64_t plic_pa;
	int plic_ctx[TESS_MAX_CORES]; /* S-mode external context per core, -1 none */
	bool zknh_zbb;		      /* every hart's riscv,isa names Zknh and Zbb (sha256_zknh.c) */
};
extern struct rv_board rv_board;
/* Is there a device tree at dtb_pa (a1)? Then the board check
 * (platform/common/dtb.c), whose one walk fills rv_board. 0, or -1 after
 * "kern| dtb: ..." lines. */
int rv_dtb_check(uint64_t dtb_pa, unsigned ncores);

/* timer.c */
void rv_timer_mark_boot(void);
void rv_timer_init(void);     /* after rv_dtb_check: timebase, tick */
void rv_timer_arm_next(void); /* program the next tick of this core */
/* A tick arrived on `core`: re-arm; core 0 also polls the hot-reload machine. */
void rv_tick(unsigned core);

/* plic.c */
int rv_plic_init(void); /* boot core: priorities and owners of granted IRQs */
void rv_plic_init_core(unsigned core);
/* Route the console RX interrupt to core 0 (hot reload). 0 or -1. */
int rv_plic_route_console(uint32_t irq);
/* Claim one pending source of this core's context, mask it for the core
 * and complete it. 0: nothing pending. */
uint32_t rv_plic_claim_mask(unsigned core);

/* trap.c */
_Noreturn void rv_panic_regs(const uint64_t *x, unsigned long scause, unsigned long sepc,
			     unsigned long stval);
/* smp.c */
/* core TESS_MAX_CORES: the unused boot hart (its own state, see smp.c). */
void rv_cpu_setup(unsigned core, unsigned long hartid);
_Noreturn void rv_cpu_go(unsigned core);
/* halt.c */
_Noreturn void rv_park(void);
/* Ask every other started core to park; wait up to 100 ms until they have. */
void rv_stop_others(void);
extern volatile uint64_t rv_load_gen;

#endif
