/* Draining this core's GIC CPU interface, both after an IRQ exception
 * from EL0 and after wfi in plat_idle (the kernel itself runs with
 * PSTATE.I set; a pending IRQ still ends wfi, Arm ARM D1.6.2). Core 0 is
 * the console core: it takes the console RX interrupt (hot reload frames,
 * kern/reload) and polls the reload machine on its ticks; the time both
 * take is the kernel's, not the interrupted shard's (kern_irq_work). */
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/kern.h>
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
			kern_tick(core);
			if (core == 0 && tess_reload_on) {
				uint64_t t0 = plat_time_ns();

				reload_poll(t0);
				kern_irq_work(core, t0);
			}
			if (res == PLAT_IRQ_NONE)
				res = PLAT_IRQ_TICK;
			continue;
		}
		if (id == a64_console_irq && id) { /* console RX: hot reload frames */
			uint64_t t0 = plat_time_ns();

			a64_uart_rx_drain();
			a64_gic_eoi(id);
			kern_irq_work(core, t0); /* not the interrupted shard's time */
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
