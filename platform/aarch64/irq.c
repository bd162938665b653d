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

#define INTID_SPURIOUS 1023u

extern volatile int a64_halting;

enum a64_irq_result a64_irq_drain(unsigned core, uint32_t *intid)
{
	enum a64_irq_result res = A64_IRQ_NONE;
	for (;;) {
		uint32_t id = a64_gic_ack();
		if (id >= INTID_SPURIOUS)
			return res;
		if (id == A64_SGI_HALT || a64_halting) {
			a64_gic_eoi(id);
			a64_park();
		}
		if (id == A64_TIMER_PPI) {
			a64_timer_rearm();
			a64_gic_eoi(id);
			if (core == 0 && a64_console_irq) {
				uint64_t t0 = plat_time_ns();

				reload_poll(t0);
				kern_irq_work(core, t0);
			}
			if (res == A64_IRQ_NONE)
				res = A64_IRQ_TICK;
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
		return A64_IRQ_DEVICE;
	}
}
