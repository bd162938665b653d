/* Console lines prefixed with "[s.nnnnnnnnn] " (TESS_CONSOLE_STAMPS=ON,
 * `tessera build --stamps`): the kernel timestamps bench/qemu_figures.py
 * reads. See uart.c. */
#include <stdbool.h>

const bool tess_console_stamps = true;
