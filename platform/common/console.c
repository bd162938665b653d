/* Console text for every target: "\r\n" line ends and optional boot-time
 * stamps; hot reload frames (0x00, SOH, COBS body, 0x00: docs/reload.md
 * "Framing") pass untouched. Callers are serialised by kern/'s console lock. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/arch.h>
#include <plat/console.h>
#include <tessera/fmt.h>

static bool line_start = true;

/* "[s.nnnnnnnnn] ": the boot time in seconds, to the nanosecond. */
static void put_stamp(void)
{
	uint64_t ns = plat_time_ns();
	char stamp[32];
	size_t n =
		tess_snprintf(stamp, sizeof(stamp), "[%llu.%09llu] ", (unsigned long long)(ns / 1000000000u),
			      (unsigned long long)(ns % 1000000000u));

	for (size_t i = 0; i < n; i++)
		arch_uart_putc(stamp[i]);
}

void plat_console_write(const char *s, size_t n)
{
	static bool in_frame;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == 0x01)
			in_frame = true;
		else if (c == 0)
			in_frame = false;
		if (in_frame || c == 0) {
			arch_uart_putc(c);
			continue;
		}
		if (line_start && tess_console_stamps)
			put_stamp();
		line_start = c == '\n';
		if (c == '\n')
			arch_uart_putc('\r');
		arch_uart_putc(c);
	}
}
