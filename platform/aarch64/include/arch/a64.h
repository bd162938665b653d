/* aarch64 platform internals shared by the files of platform/aarch64.
 * The constants first (boot.S and vectors.S include them too), then the
 * C part. */
#ifndef ARCH_A64_H
#define ARCH_A64_H

/* QEMU virt (hw/arm/virt.c memmap): checked against the DTB at boot. */
#define A64_GICD_PA	0x08000000ull
#define A64_GICR_PA	0x080a0000ull
#define A64_GICR_STRIDE 0x20000ull /* RD_base + SGI_base frames, GICv3 12.10 */
#define A64_TIMER_PPI	27u	   /* virtual timer PPI, CNTV */
#define A64_SGI_WAKE	0u
#define A64_SGI_HALT	1u
/* Kernel stacks (main.c a64_stacks): per core an unmapped guard page
 * (boot.S leaves it out of the kernel map), then the stack; the stack of
 * core c ends at a64_stacks + (c + 1) * A64_KSTACK_STRIDE. A kernel stack
 * overflow faults on the guard, and the EL1 vectors move to the core's
 * panic stack (A64_PANIC_STACK bytes, vectors.S) before they push anything. */
#define A64_STACK_SIZE	  16384
#define A64_KSTACK_GUARD  4096
#define A64_KSTACK_STRIDE (A64_KSTACK_GUARD + A64_STACK_SIZE)
#define A64_PANIC_STACK	  4096

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stdbool.h>
#include <arch/ctx.h>
#include <tessera/tables.h>
#include <plat/irq.h>

#define SYSREG_READ(name)                                                                                    \
	({                                                                                                   \
		uint64_t v_;                                                                                 \
		__asm__ volatile("mrs %0, " #name : "=r"(v_));                                               \
		v_;                                                                                          \
	})
#define SYSREG_WRITE(name, v) __asm__ volatile("msr " #name ", %0" ::"r"((uint64_t)(v)))
#define ISB()		      __asm__ volatile("isb" ::: "memory")
#define DSB(opt)	      __asm__ volatile("dsb " #opt ::: "memory")

/* The kernel's linear map (TTBR1, see boot.S): VA = PA + TESS_KVA_OFFSET,
 * the arch table's kva_offset (codegen/tessera/arch.py), which `tessera
 * build` passes to the kernel's compile (cmake/target.cmake). */
static inline void *a64_kva(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + TESS_KVA_OFFSET);
}

static inline uint64_t a64_kpa(const void *kva)
{
	return (uint64_t)(uintptr_t)kva - TESS_KVA_OFFSET;
}

struct a64_kstack {
	uint8_t guard[A64_KSTACK_GUARD];
	uint8_t stack[A64_STACK_SIZE];
};
extern struct a64_kstack a64_stacks[TESS_MAX_CORES];

/* boot.S / vectors.S */
extern char _start[], _end[], __kernel_ro_end[], __tess_image_hdr[];
extern char secondary_entry[];
uint64_t a64_enter_user(struct arch_ctx *ctx); /* 0: sync, 1: irq */
void a64_fp_save(struct arch_ctx *ctx);	       /* fpsimd.S */
void a64_fp_load(const struct arch_ctx *ctx);
uint64_t a64_psci_hvc(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2);
uint64_t a64_psci_smc(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2);

/* main.c */
_Noreturn void a64_park(void);

/* uart.c */
void a64_uart_init(uint64_t pa);
void a64_uart_puts(const char *s);
void a64_uart_rx_enable(void);
void a64_uart_rx_drain(void);	 /* feeds reload_rx_byte */
extern uint32_t a64_console_irq; /* 0 until hot reload is on */

/* gic.c */
void a64_gic_init_dist(void);
void a64_gic_init_cpu(unsigned core);
uint32_t a64_gic_ack(void); /* INTID, 1023 if none */
void a64_gic_eoi(uint32_t intid);
void a64_gic_sgi(unsigned core, unsigned sgi);
void a64_gic_spi_route(uint32_t intid, unsigned core);
void a64_gic_spi_mask(uint32_t intid);

/* timer.c */
void a64_timer_init_boot(uint64_t tick_ns);
void a64_timer_init_cpu(void);
void a64_timer_rearm(void);

/* psci.c (the conduit comes from plat_dtb_done, plat/board.h) */
int a64_psci_cpu_on(unsigned core, uint64_t entry_pa);

/* mmu.c */
uint64_t a64_ttbr0_of(unsigned shard_id);

/* irq.c: drain the GIC: a device INTID to deliver (in *intid), the tick, or nothing */
enum plat_irq a64_irq_drain(unsigned core, uint32_t *intid);

#endif /* __ASSEMBLER__ */

#endif
