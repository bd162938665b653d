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
#include <plat/board.h>
#include <plat/console_rx.h>
#include <plat/halt.h>
#include <plat/load.h>
#include <plat/selftest.h>

struct a64_kstack a64_stacks[TESS_MAX_CORES] __attribute__((section(".kstacks"), aligned(4096)));
static uint64_t empty_l1[512] __attribute__((aligned(4096)));
static volatile bool started[TESS_MAX_CORES];

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

/* platform/common/halt.c: SGI 1 is taken at the core's next IRQ drain. */
bool arch_core_started(unsigned core)
{
	return core < TESS_MAX_CORES && started[core];
}

bool arch_core_parked(unsigned core)
{
	return core < TESS_MAX_CORES && parked[core];
}

void arch_halt_ipi(unsigned core)
{
	a64_gic_sgi(core, A64_SGI_HALT);
}

_Noreturn void plat_halt_all(void)
{
	tess_stop_others(plat_core_id(), 0);
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
	while (a64_irq_drain(core, &irq) == PLAT_IRQ_DEVICE)
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

/* Hot reload (platform/common/console_rx.c): the console's RX interrupt to
 * core 0, whose IRQ drain feeds the frames to kern/reload (irq.c). */
int arch_console_rx_start(unsigned irq)
{
	a64_gic_spi_route(irq, 0);
	a64_uart_rx_enable();
	a64_console_irq = irq;
	plat_irq_unmask(irq);
	return 0;
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
	plat_reload_start();
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
