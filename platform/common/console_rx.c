/* Hot reload over the console, when the plan reserved a staging buffer and
 * the board's console has an IRQ (plat/console_rx.h). */
#include <kern/kern.h>
#include <kern/reload.h>
#include <plat/board.h>
#include <plat/console_rx.h>

bool tess_reload_on;

void plat_reload_start(void)
{
	unsigned irq = tess_board.console_irq;
	if (!irq || reload_init() != 0) {
		kern_log("reload: off (no staging buffer planned or no console IRQ)");
		return;
	}
	if (arch_console_rx_start(irq) < 0) {
		kern_log("reload: off (console IRQ %u cannot be routed to core 0)", irq);
		return;
	}
	tess_reload_on = true;
	kern_log("reload: listening on the console (IRQ %u, core 0), staging %lu bytes", irq,
		 (unsigned long)tess_system.reload_staging_size);
}
