/* The baseline of libc_bench: memcpy and memset as target images had them
 * before kern/libc (shards/runtime/freestanding/mem.c, and kern/lib's
 * kmemcpy/kmemset): one byte per step. */
#include "libc_bench.h"

void *bytes_memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *bytes_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}
