/* Console lines without time stamps (the default). See uart.c. */
#include <stdbool.h>

const bool a64_console_stamps = false;
