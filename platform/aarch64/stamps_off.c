/* Console lines without time stamps (the default). See uart.c. */
#include <stdbool.h>

const bool tess_console_stamps = false;
