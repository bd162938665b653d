/* libfdt_env.h includes <stdlib.h>; libfdt uses nothing from it. */
#ifndef PLAT_STDLIB_H
#define PLAT_STDLIB_H
#include <stddef.h>
#endif
