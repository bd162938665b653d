/* libfdt_env.h includes <stdlib.h>; the kernel needs nothing from it. */
#ifndef RV_LIBC_STDLIB_H
#define RV_LIBC_STDLIB_H
#include <stddef.h>
#endif
