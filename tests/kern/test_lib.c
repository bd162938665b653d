/* The printf engine as the kernel uses it (kern/libc/fmt.c), durations,
 * kern_log. The string functions: test_libc.c. */
#include <kern/lib.h>
#include "check.h"
#include "fake.h"

/* Hidden from the compiler's format checks on purpose. */
static const char *volatile null_str = 0;
static const char *volatile lone_pct = "ab%";

static size_t vsnprintf_wrap(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	size_t r;

	va_start(ap, f);
	r = tess_vsnprintf(b, n, f, ap);
	va_end(ap);
	return r;
}

static void fmt(void)
{
	char b[64];

	tess_snprintf(b, sizeof(b), "%d %i %u %x %X %%", -42, 7, 42u, 0xbeefu, 0xbeefu);
	CHECK_STR(b, "-42 7 42 beef BEEF %");
	tess_snprintf(b, sizeof(b), "[%5d][%-5d][%05d][%05d]", 42, 42, 42, -42);
	CHECK_STR(b, "[   42][42   ][00042][-0042]");
	tess_snprintf(b, sizeof(b), "%lu %lx %llu %llx %zu", 1ul << 40, 0xfffful, 18446744073709551615ull,
		      0x1234567890abcdefull, (size_t)5);
	CHECK_STR(b, "1099511627776 ffff 18446744073709551615 1234567890abcdef 5");
	tess_snprintf(b, sizeof(b), "[%s][%6s][%-6s][%c][%3c]", "ab", "ab", "ab", 'x', 'y');
	CHECK_STR(b, "[ab][    ab][ab    ][x][  y]");
	tess_snprintf(b, sizeof(b), "%p", (void *)0x1000);
	CHECK_STR(b, "0x1000");
	tess_snprintf(b, sizeof(b), "%s", null_str);
	CHECK_STR(b, "(null)");
	tess_snprintf(b, sizeof(b), "%lld", -9223372036854775807ll - 1);
	CHECK_STR(b, "-9223372036854775808");
	tess_snprintf(b, sizeof(b), "%08llx", 0xabcull);
	CHECK_STR(b, "00000abc");
}

static void truncation(void)
{
	char b[8];
	size_t n;

	memset(b, 'z', sizeof(b));
	n = tess_snprintf(b, sizeof(b), "0123456789");
	CHECK_EQ(n, 7);
	CHECK_STR(b, "0123456");
	n = tess_snprintf(b, 1, "abc");
	CHECK_EQ(n, 0);
	CHECK_STR(b, "");
	/* A lone '%' at the end stops the output. */
	n = vsnprintf_wrap(b, sizeof(b), lone_pct);
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
	log_line();
	return t_summary("test_kern_lib");
}
