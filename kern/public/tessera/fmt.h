/* The printf subset of the kernel (kern_log, stats) and the shard runtime
 * (tess_log), one engine: kern/libc/fmt.c. Conversions %s %c %d %i %u %x %X
 * %p %%, the l / ll / z length modifiers, a field width, the '0' (numbers)
 * and '-' flags. An unknown conversion is copied as written, so a bad format
 * shows in the log instead of reading a wrong va_arg; one cut off by the end
 * of the format is dropped. Freestanding, no libc. */
#ifndef TESSERA_FMT_H
#define TESSERA_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Format into buf[cap]. Always NUL-terminates when cap > 0, truncates
 * silently, and returns the number of characters stored (not counting the
 * NUL; unlike C's snprintf, not the untruncated length). */
size_t tess_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
size_t tess_snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
