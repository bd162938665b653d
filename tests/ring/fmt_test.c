/* The printf engine as the runtime's tess_log uses it (kern/libc/fmt.c),
 * exact outputs. */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <tessera/fmt.h>
#include "check.h"

static char buf[64];

static const char *fmt(size_t cap, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	tess_vsnprintf(buf, cap, f, ap);
	va_end(ap);
	return buf;
}

#define EXPECT(want, ...) CHECK(strcmp(fmt(sizeof(buf), __VA_ARGS__), want) == 0)

int main(void)
{
	EXPECT("a 42 -7 b", "a %d %i %c", 42, -7, 'b');
	EXPECT("-2147483648", "%d", INT32_MIN);
	EXPECT("4294967295 ffffffff FF", "%u %x %X", UINT32_MAX, UINT32_MAX, 255u);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT("123 abcdef0123", "%lu %lx", 123ul, 0xabcdef0123ul);
	EXPECT("7", "%zu", (size_t)7);
	EXPECT("0x1000", "%p", (void *)0x1000);
	EXPECT("[   5][00005][5    ][-0005]", "[%4d][%05u][%-5d][%05d]", 5, 5u, 5, -5);
	EXPECT("[  hi][hi  ]", "[%4s][%-4s]", "hi", "hi");
	EXPECT("(null) 100%", "%s 100%%", (char *)NULL);
	EXPECT("bad %q ok", "bad %q %s", "ok");
	CHECK(strcmp(fmt(6, "abcdefgh"), "abcde") == 0); /* truncated, NUL-terminated */
	return check_summary();
}
