/* Console lines without time stamps (the default). See stamps_on.c. */
#include <plat/console.h>

const bool tess_console_stamps = false;
