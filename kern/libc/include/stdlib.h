/* <stdlib.h> of target images: libfdt_env.h includes it and uses nothing
 * from it. */
#ifndef TESS_LIBC_STDLIB_H
#define TESS_LIBC_STDLIB_H

#include <stddef.h>

#endif
