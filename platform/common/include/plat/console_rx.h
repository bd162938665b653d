/* Hot reload over the console (docs/reload.md), shared by the target
 * platforms (platform/common/console_rx.c): the console's receive
 * interrupt goes to core 0, which feeds every received byte to
 * reload_rx_byte and calls reload_poll on every tick. */
#ifndef PLAT_CONSOLE_RX_H
#define PLAT_CONSOLE_RX_H

#include <stdbool.h>

/* On the boot core after kern_boot: reload_init from the plan, then the
 * console's IRQ to core 0. Says in one `kern| reload: ...` line whether
 * reload listens, and why not. */
void plat_reload_start(void);
/* True once it listens: core 0's tick then polls reload_poll. */
extern bool tess_reload_on;

/* Implemented by each target platform: route the console's receive
 * interrupt `irq` (the board's) to core 0 and enable it in the UART; -1 if
 * it cannot be routed. */
int arch_console_rx_start(unsigned irq);

#endif
