/* The <string.h> functions of every target image: kernel, platform code,
 * libfdt, and every shard (the compiler may emit memcpy/memset/memmove/
 * memcmp calls of its own, C11 5.1.2.1). Hosted builds (unit tests, the
 * simulator and its shards) use the system's libc instead and do not link
 * this file.
 *
 * memcpy and memset move machine words once the destination is word-aligned
 * (memcpy: when source and destination share that alignment; otherwise
 * bytes, since riscv64 may trap on or emulate misaligned words), four per
 * step while they last; bytes before and after the aligned middle, and
 * whole calls shorter than two words, go one by one. The kernel's large
 * copies are aligned alike (image parts on 16 bytes, reload payloads 160
 * bytes into the staging buffer, page-aligned destinations). Measured
 * against the byte loops they replaced in bench/README.md ("String
 * functions"). The unrolling is written out because targets build kern/libc
 * with -Os (cmake/target.cmake): the compiler's own -O2 unrolling would
 * triple the code for the same speed.
 *
 * Compiled -ffreestanding -fno-builtin (cmake/toolchain-*.cmake): the
 * compiler must not recognise a loop here as a memcpy/memset idiom and turn
 * it into a call to itself. Words are accessed through a may_alias type, so
 * copying objects of any type is well defined. */
#include <stdint.h>
#include <string.h>

typedef uintptr_t __attribute__((may_alias)) word_t;
#define WSIZE sizeof(word_t)
#define WMASK (WSIZE - 1)

/* Forward copy, no restrict: memmove uses it when dst is below src, where a
 * forward copy never overwrites a source byte before reading it. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= 2 * WSIZE && (((uintptr_t)d ^ (uintptr_t)s) & WMASK) == 0) {
		for (; (uintptr_t)d & WMASK; n--)
			*d++ = *s++;
		for (; n >= 4 * WSIZE; n -= 4 * WSIZE, d += 4 * WSIZE, s += 4 * WSIZE) {
			const word_t *ws = (const word_t *)s;
			word_t w0 = ws[0], w1 = ws[1], w2 = ws[2], w3 = ws[3];
			word_t *wd = (word_t *)d;

			wd[0] = w0;
			wd[1] = w1;
			wd[2] = w2;
			wd[3] = w3;
		}
		for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d - (uintptr_t)s >= n) /* dst below src, or no overlap */
		copy_forward(d, s, n);
	else
		while (n--)
			d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t w = (unsigned char)c * (UINTPTR_MAX / 0xff); /* c in every byte */

	if (n >= 2 * WSIZE) {
		for (; (uintptr_t)d & WMASK; n--)
			*d++ = (unsigned char)c;
		for (; n >= 4 * WSIZE; n -= 4 * WSIZE, d += 4 * WSIZE) {
			word_t *wd = (word_t *)d;

			wd[0] = w;
			wd[1] = w;
			wd[2] = w;
			wd[3] = w;
		}
		for (; n >= WSIZE; n -= WSIZE, d += WSIZE)
			*(word_t *)d = w;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c)
			last = s;
	} while (*s++);
	return (char *)last;
}
