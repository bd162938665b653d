/* Tiny freestanding helpers of the kernel. k-prefixed so the host unit
 * tests can link kern/ next to libc; a platform supplies the memset/memcpy
 * builtins the compiler may emit on its own. */
#ifndef KERN_LIB_H
#define KERN_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *kmemset(void *dst, int c, size_t n);
void *kmemcpy(void *dst, const void *src, size_t n);
size_t kstrlen(const char *s);
int kstrcmp(const char *a, const char *b);

/* printf subset (see kern_log in kern.h): %s %c %d %i %u %x %X %p %%, the
 * l/ll/z modifiers, width, '0' and '-' flags. Always NUL-terminates when
 * n > 0; returns the number of characters stored (not counting the NUL). */
size_t kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
size_t ksnprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A duration as text for log lines: "10 s", "250 ms", "40 us", "7 ns"
 * (the largest unit that divides it exactly; 0 is "0 ns"). */
size_t kfmt_duration(char *buf, size_t n, uint64_t ns);

#endif
