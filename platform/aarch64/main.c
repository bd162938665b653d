/* Boot flow of the aarch64 platform and the per-core plat_* services.
 * Boot core: console, image check, DTB check, GIC + timer, kern_boot,
 * secondary cores via PSCI, then kern_core_main(0). Core n is the CPU with
 * MPIDR_EL1.Aff0 = n (platform/common/dtb.c checks the DTB agrees;
 * psci.c takes the PSCI conduit from it); TPIDR_EL1 holds n. */
#include <stdbool.h>
#include <stdint.h>
#include <tessera/tables.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/reload.h>
#include <plat/board.h>
#include <plat/load.h>
#include <plat/selftest.h>

struct a64_kstack a64_stacks[TESS_MAX_CORES] __attribute__((section(".kstacks"), aligned(4096)));
static uint64_t empty_l1[512] __attribute__((aligned(4096)));
static volatile bool started[TESS_MAX_CORES];
volatile int a64_halting;

/* Replace boot.S's identity map in TTBR0 by an empty table and drop its
 * (global) TLB entries, so no shard ever sees a stale kernel translation. */
static void drop_idmap(void)
{
	SYSREG_WRITE(ttbr0_el1, a64_kpa(empty_l1));
	ISB();
	__asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}

static volatile bool parked[TESS_MAX_CORES];

/* Not inlined: every halted core sits in this one function (test_panic.py). */
__attribute__((noinline)) _Noreturn void a64_park(void)
{
	__asm__ volatile("msr daifset, #0xf");
	parked[plat_core_id() % TESS_MAX_CORES] = true;
	for (;;)
		__asm__ volatile("wfi");
}

/* Ask every other running core to park (SGI 1, taken at its next IRQ
 * drain). With `wait`, give them up to ~50 ms to get there, so a register
 * dump that follows is not interleaved with their console lines. */
void a64_stop_others(bool wait)
{
	unsigned self = plat_core_id();
	a64_halting = 1;
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		if (started[c] && c != self)
			a64_gic_sgi(c, A64_SGI_HALT);
	if (!wait)
		return;
	uint64_t freq = SYSREG_READ(cntfrq_el0), t0 = SYSREG_READ(cntvct_el0);
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		while (started[c] && c != self && !parked[c] && SYSREG_READ(cntvct_el0) - t0 < freq / 20)
			;
}

_Noreturn void plat_halt_all(void)
{
	a64_stop_others(false);
	a64_park();
}

unsigned plat_core_id(void)
{
	return (unsigned)SYSREG_READ(tpidr_el1);
}

void *plat_pa_to_kva(uint64_t pa)
{
	return a64_kva(pa);
}

void plat_ipi(unsigned core)
{
	a64_gic_sgi(core, A64_SGI_WAKE);
}

void plat_idle(unsigned core)
{
	uint32_t irq;
	__asm__ volatile("dsb sy\n wfi" ::: "memory");
	while (a64_irq_drain(core, &irq) == A64_IRQ_DEVICE)
		kern_irq(core, irq);
}

void plat_core_start(unsigned core)
{
	if (core >= TESS_MAX_CORES || started[core])
		return;
	started[core] = true;
	if (a64_psci_cpu_on(core, a64_kpa(secondary_entry)) < 0)
		kern_log("psci: CPU_ON for core %u failed", core);
}

static void route_irqs(void)
{
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		const struct tess_shard_cfg *s = &tess_system.shards[i];
		for (unsigned j = 0; j < s->nirqs; j++) {
			a64_gic_spi_route(s->irqs[j].irq, s->core);
			plat_irq_unmask(s->irqs[j].irq);
		}
	}
}

uint32_t a64_console_irq;

/* Hot reload over the console (docs/reload.md) if the plan reserved a
 * staging buffer: console RX interrupt to core 0, which feeds the frames
 * to kern/reload and polls it on every tick (irq.c). */
static void start_reload(void)
{
	if (!tess_board.console_irq || reload_init() != 0) {
		kern_log("reload: off (no staging buffer planned or no console IRQ)");
		return;
	}
	a64_gic_spi_route(tess_board.console_irq, 0);
	a64_uart_rx_enable();
	a64_console_irq = tess_board.console_irq;
	plat_irq_unmask(a64_console_irq);
	kern_log("reload: listening on the console (IRQ %u, core 0), staging %lu bytes", a64_console_irq,
		 (unsigned long)tess_system.reload_staging_size);
}

void a64_boot_main(uint64_t dtb_pa)
{
	SYSREG_WRITE(tpidr_el1, 0);
	drop_idmap();
	started[0] = true;
	a64_uart_init(tess_system.console_pa);
	a64_timer_init_boot(tess_system.tick_ns);
	kern_log("aarch64: %s, kernel at 0x%lx, dtb at 0x%lx, %u cores", tess_system.name,
		 (unsigned long)a64_kpa(_start), (unsigned long)dtb_pa, (unsigned)tess_system.ncores);
	if (plat_image_check() < 0 || tess_dtb_check(a64_kva(dtb_pa)) < 0) {
		kern_log("boot: refusing to start shards");
		plat_halt_all();
	}
	a64_gic_init_dist();
	a64_gic_init_cpu(0);
	if (kern_boot() < 0)
		plat_halt_all();
	route_irqs();
	start_reload();
	for (unsigned c = 1; c < tess_system.ncores; c++)
		plat_core_start(c);
	plat_selftest();
	a64_timer_init_cpu();
	kern_core_main(0);
}

void a64_secondary_main(uint64_t core)
{
	SYSREG_WRITE(tpidr_el1, core);
	drop_idmap();
	a64_gic_init_cpu((unsigned)core);
	a64_timer_init_cpu();
	kern_core_main((unsigned)core);
}
