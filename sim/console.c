/* Console, IRQs and halting for the simulator. */
#include <errno.h>
#include <unistd.h>
#include <kern/arch.h>
#include "sim.h"

static void write_out(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(1, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

/* kern/ serialises callers; a write(2) loop is all the UART we need.
 * Every byte goes to the console port (port.c), the text to stdout. */
void plat_console_write(const char *s, size_t n)
{
	char text[512];

	sim_port_write(s, n);
	while (n > 0) {
		size_t used = n, k = sim_console_text(s, &used, text, sizeof text);

		write_out(text, k);
		s += used;
		n -= used;
	}
}

/* The host board has no devices, so no IRQ is ever granted. */
void plat_irq_unmask(uint32_t irq)
{
	(void)irq;
}

/* Panic policy or a failed boot: stop everything, show the table. */
_Noreturn void plat_halt_all(void)
{
	sim_finish(1);
}
