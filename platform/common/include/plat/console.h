/* The console text path shared by the target platforms (platform/common/
 * console.c implements plat_console_write). */
#ifndef PLAT_CONSOLE_H
#define PLAT_CONSOLE_H

#include <stdbool.h>

/* Implemented by each target platform: send one byte, polling (so a panic
 * can always print); nothing before the UART is initialised. */
void arch_uart_putc(char c);
/* Prefix every console line with the boot time "[s.nnnnnnnnn] "
 * (TESS_CONSOLE_STAMPS, `tessera build --stamps`, read by
 * bench/qemu_figures.py): stamps_on.c or stamps_off.c, whichever the build
 * compiles (cmake/target.cmake). */
extern const bool tess_console_stamps;

#endif
