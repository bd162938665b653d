/* kern/lib: the printf subset, durations, byte helpers. */
#include <kern/lib.h>
#include "check.h"
#include "fake.h"

/* Hidden from the compiler's format checks on purpose. */
static const char *volatile null_str = 0;
static const char *volatile lone_pct = "ab%";

static size_t kvsnprintf_wrap(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	size_t r;

	va_start(ap, f);
	r = kvsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

static void fmt(void)
{
	char b[64];

	ksnprintf(b, sizeof(b), "%d %i %u %x %X %%", -42, 7, 42u, 0xbeefu, 0xbeefu);
	CHECK_STR(b, "-42 7 42 beef BEEF %");
	ksnprintf(b, sizeof(b), "[%5d][%-5d][%05d][%05d]", 42, 42, 42, -42);
	CHECK_STR(b, "[   42][42   ][00042][-0042]");
	ksnprintf(b, sizeof(b), "%lu %lx %llu %llx %zu", 1ul << 40, 0xfffful, 18446744073709551615ull,
		  0x1234567890abcdefull, (size_t)5);
	CHECK_STR(b, "1099511627776 ffff 18446744073709551615 1234567890abcdef 5");
	ksnprintf(b, sizeof(b), "[%s][%6s][%-6s][%c][%3c]", "ab", "ab", "ab", 'x', 'y');
	CHECK_STR(b, "[ab][    ab][ab    ][x][  y]");
	ksnprintf(b, sizeof(b), "%p", (void *)0x1000);
	CHECK_STR(b, "0x1000");
	ksnprintf(b, sizeof(b), "%s", null_str);
	CHECK_STR(b, "(null)");
	ksnprintf(b, sizeof(b), "%lld", -9223372036854775807ll - 1);
	CHECK_STR(b, "-9223372036854775808");
	ksnprintf(b, sizeof(b), "%08llx", 0xabcull);
	CHECK_STR(b, "00000abc");
}

static void truncation(void)
{
	char b[8];
	size_t n;

	memset(b, 'z', sizeof(b));
	n = ksnprintf(b, sizeof(b), "0123456789");
	CHECK_EQ(n, 7);
	CHECK_STR(b, "0123456");
	n = ksnprintf(b, 1, "abc");
	CHECK_EQ(n, 0);
	CHECK_STR(b, "");
	/* A lone '%' at the end stops the output. */
	n = kvsnprintf_wrap(b, sizeof(b), lone_pct);
	CHECK_EQ(n, 2);
	CHECK_STR(b, "ab");
}

static void durations(void)
{
	char b[32];

	kfmt_duration(b, sizeof(b), 10000000000ull);
	CHECK_STR(b, "10 s");
	kfmt_duration(b, sizeof(b), 250000000ull);
	CHECK_STR(b, "250 ms");
	kfmt_duration(b, sizeof(b), 1500000000ull);
	CHECK_STR(b, "1500 ms");
	kfmt_duration(b, sizeof(b), 40000ull);
	CHECK_STR(b, "40 us");
	kfmt_duration(b, sizeof(b), 7ull);
	CHECK_STR(b, "7 ns");
	kfmt_duration(b, sizeof(b), 0);
	CHECK_STR(b, "0 ns");
}

static void bytes(void)
{
	unsigned char x[16], y[16];

	kmemset(x, 0xa5, sizeof(x));
	CHECK_EQ(x[0], 0xa5);
	CHECK_EQ(x[15], 0xa5);
	for (unsigned i = 0; i < 16; i++)
		y[i] = (unsigned char)i;
	kmemcpy(x + 1, y, 8);
	CHECK_EQ(x[0], 0xa5);
	CHECK_EQ(x[1], 0);
	CHECK_EQ(x[8], 7);
	CHECK_EQ(x[9], 0xa5);
	CHECK_EQ(kstrlen("hello"), 5);
	CHECK_EQ(kstrlen(""), 0);
	CHECK(kstrcmp("abc", "abc") == 0);
	CHECK(kstrcmp("abc", "abd") < 0);
	CHECK(kstrcmp("b", "abc") > 0);
}

static void log_line(void)
{
	fake_reset();
	kern_log("x=%d y=%s", 3, "q");
	CHECK_STR(fake_out(), "kern| x=3 y=q\n");
}

int main(void)
{
	fmt();
	truncation();
	durations();
	bytes();
	log_line();
	return t_summary("test_kern_lib");
}
