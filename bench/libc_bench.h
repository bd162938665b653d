/* libc_bench's two contestants: kern/libc (linked under the names
 * tess_libc_*, <string.h> here is kern/libc's: memcpy means
 * tess_libc_memcpy) and the byte loops it replaced (libc_bytes.c). */
#ifndef TESS_LIBC_BENCH_H
#define TESS_LIBC_BENCH_H

#include <stddef.h>

void *bytes_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *bytes_memset(void *dst, int c, size_t n);

#endif
