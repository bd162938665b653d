/* The console's receive side: hot reload frames and read-only queries
 * (kern/reload's frame decoder, docs/reload.md, docs/inspect.md) when the
 * board's console has an IRQ (plat/console_rx.h). Without a staging
 * buffer reload is off, and the console still answers queries. */
#include <kern/kern.h>
#include <kern/reload.h>
#include <plat/board.h>
#include <plat/console_rx.h>

bool tess_reload_on;

void plat_reload_start(void)
{
	unsigned irq = tess_board.console_irq;
	bool reload = reload_init() == 0;

	if (!irq) {
		kern_log("reload: off (no console IRQ: no queries either)");
		return;
	}
	if (arch_console_rx_start(irq) < 0) {
		kern_log("reload: off (console IRQ %u cannot be routed to core 0)", irq);
		return;
	}
	tess_reload_on = true;
	if (reload)
		kern_log("reload: listening on the console (IRQ %u, core 0), staging %lu bytes", irq,
			 (unsigned long)tess_system.reload_staging_size);
	else
		kern_log("reload: off (no staging buffer planned); queries on the console (IRQ %u, core 0)",
			 irq);
}
