/* Boot flow of the x86_64 platform. Boot core (APIC ID 0): console, CPU
 * features, PVH start info, kernel page tables, this core's GDT/TSS/IDT/
 * control registers, ACPI MADT and the board check (board.c), local APIC
 * and IOAPIC, TSC calibration, image check, kern_boot, hot reload, the
 * other cores (INIT-SIPI-SIPI, smp.c), then kern_core_main. See
 * docs/x86_64.md. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/board.h>
#include <plat/console_rx.h>
#include <plat/load.h>
#include <plat/selftest.h>
#include <x86/plat.h>
#include <x86/regs.h>

extern char _start[];

/* Hot reload (platform/common/console_rx.c): the console's receive IRQ to
 * core 0, which feeds the frames to kern/reload and polls it on every tick
 * (irq.c). */
int arch_console_rx_start(unsigned irq)
{
	if (x86_ioapic_route(irq, 0, X86_VEC_CONSOLE) < 0)
		return -1;
	x86_uart_rx_enable();
	return 0;
}

static int cpus_up(void)
{
	uint32_t id = x86_lapic_id(); /* after x86_lapic_init */
	if (id != 0) {
		kern_log("x86: the boot CPU has APIC ID %u; core 0 must be APIC ID 0", id);
		return -1;
	}
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		x86_cpus[c].apic_id = c;
	return 0;
}

/* boot.S, on core 0's stack, with the boot page tables. */
_Noreturn void x86_boot_main(uint32_t start_info_pa);
_Noreturn void x86_boot_main(uint32_t start_info_pa)
{
	x86_timer_mark_boot();
	x86_cpu_early(0);
	x86_uart_init((uint16_t)tess_system.console_pa);
	kern_log("x86_64: %s, kernel at 0x%lx, PVH start info at 0x%x, %u cores", tess_system.name,
		 (unsigned long)x86_kpa(_start), start_info_pa, (unsigned)tess_system.ncores);
	if (x86_features_probe() < 0 || x86_pvh_parse(start_info_pa) < 0)
		goto refuse;
	x86_mmu_kernel_init();
	x86_mmu_kernel_switch();
	x86_cpu_init(0);
	if (x86_acpi_parse() < 0 || x86_board_check() < 0)
		goto refuse;
	x86_lapic_init();
	if (cpus_up() < 0 || x86_ioapic_init() < 0)
		goto refuse;
	x86_timer_calibrate();
	if (plat_image_check() < 0)
		goto refuse;
	if (kern_boot() < 0)
		plat_halt_all();
	plat_reload_start();
	for (unsigned c = 1; c < tess_system.ncores; c++)
		plat_core_start(c);
	plat_selftest();
	x86_cpu_go(0);
refuse:
	kern_log("boot: refusing to start shards");
	plat_halt_all();
}
