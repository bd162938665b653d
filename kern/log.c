/* The kernel console: one spinlock serialises every line so lines from
 * different cores (kernel or shard) never interleave. A line is formatted
 * into a stack buffer first and written with one plat_console_write; so
 * is a hot reload frame (kern_console_write). */
#include <stdatomic.h>
#include <kern/lib.h>
#include <kern/priv.h>

#define LOG_LINE 320 /* prefix + one TESS_CONSOLE_BUF line + newline */

static atomic_flag console_busy = ATOMIC_FLAG_INIT;

static void lock(void)
{
	while (atomic_flag_test_and_set_explicit(&console_busy, memory_order_acquire))
		;
}

static void unlock(void)
{
	atomic_flag_clear_explicit(&console_busy, memory_order_release);
}

/* Writes prefix, prefix2, text[0..len) and a newline as one line. */
void kern_console_line(const char *prefix, const char *prefix2, const char *text, size_t len)
{
	char line[LOG_LINE];
	size_t n = tess_snprintf(line, sizeof(line), "%s%s", prefix, prefix2 ? prefix2 : "");

	for (size_t i = 0; i < len && n < sizeof(line) - 1; i++)
		line[n++] = text[i];
	line[n++] = '\n';
	kern_console_write(line, n);
}

void kern_console_write(const void *buf, size_t n)
{
	lock();
	plat_console_write(buf, n);
	unlock();
}

void kern_log(const char *fmt, ...)
{
	char text[LOG_LINE];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = tess_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	kern_console_line("kern| ", 0, text, n);
}

size_t kfmt_duration(char *buf, size_t n, uint64_t ns)
{
	if (ns && ns % 1000000000u == 0)
		return tess_snprintf(buf, n, "%llu s", (unsigned long long)(ns / 1000000000u));
	if (ns && ns % 1000000u == 0)
		return tess_snprintf(buf, n, "%llu ms", (unsigned long long)(ns / 1000000u));
	if (ns && ns % 1000u == 0)
		return tess_snprintf(buf, n, "%llu us", (unsigned long long)(ns / 1000u));
	return tess_snprintf(buf, n, "%llu ns", (unsigned long long)ns);
}
