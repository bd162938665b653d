/* <string.h> of target images: the functions kern/libc/string.c defines
 * (kernel, platform code, libfdt, shards). Hosted builds use the system's
 * header and libc instead; this directory is on target include paths only. */
#ifndef TESS_LIBC_STRING_H
#define TESS_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
char *strrchr(const char *s, int c);

#endif
