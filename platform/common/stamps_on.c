/* Console lines prefixed with "[s.nnnnnnnnn] " (TESS_CONSOLE_STAMPS=ON,
 * `tessera build --stamps`): the kernel timestamps bench/qemu_figures.py
 * reads. The build compiles this file or stamps_off.c (cmake/target.cmake);
 * console.c writes the stamps. */
#include <plat/console.h>

const bool tess_console_stamps = true;
