/* Draining this core's GIC CPU interface, both after an IRQ exception
 * from EL0 and after wfi in plat_idle (the kernel itself runs with
 * PSTATE.I set; a pending IRQ still ends wfi, Arm ARM D1.6.2). Core 0 is
 * the console core: it takes the console RX interrupt (hot reload frames,
 * kern/reload) and polls the reload machine on its ticks. */
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/reload.h>
#include <plat/console_rx.h>
#include <plat/halt.h>

#define INTID_SPURIOUS 1023u

enum plat_irq a64_irq_drain(unsigned core, uint32_t *intid)
{
	enum plat_irq res = PLAT_IRQ_NONE;
	for (;;) {
		uint32_t id = a64_gic_ack();
		if (id >= INTID_SPURIOUS)
			return res;
		if (id == A64_SGI_HALT || tess_halting) {
			a64_gic_eoi(id);
			a64_park();
		}
		if (id == A64_TIMER_PPI) {
			a64_timer_rearm();
			a64_gic_eoi(id);
			if (core == 0 && tess_reload_on)
				reload_poll(plat_time_ns());
			if (res == PLAT_IRQ_NONE)
				res = PLAT_IRQ_TICK;
			continue;
		}
		if (id == a64_console_irq && id) { /* console RX: hot reload frames */
			a64_uart_rx_drain();
			a64_gic_eoi(id);
			continue;
		}
		if (id < 16) { /* wake-up SGI: the pending set is in memory */
			a64_gic_eoi(id);
			continue;
		}
		/* A granted device SPI: masked until its owner acks. One at a
		 * time; others stay pending in the GIC for the next drain. */
		a64_gic_spi_mask(id);
		a64_gic_eoi(id);
		*intid = id;
		return PLAT_IRQ_DEVICE;
	}
}
