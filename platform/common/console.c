/* Console text for every target: "\r\n" line ends and optional boot-time
 * stamps; hot reload frames (0x00, SOH, COBS body, 0x00: docs/reload.md
 * "Framing") pass untouched. Callers are serialised by kern/'s console lock. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/arch.h>
#include <plat/console.h>

static bool line_start = true;

static void put_stamp(void)
{
	uint64_t ns = plat_time_ns(), sec = ns / 1000000000u, frac = ns % 1000000000u;
	char digits[20];
	unsigned nd = 0;
	do {
		digits[nd++] = (char)('0' + sec % 10);
		sec /= 10;
	} while (sec);
	arch_uart_putc('[');
	while (nd)
		arch_uart_putc(digits[--nd]);
	arch_uart_putc('.');
	for (uint64_t div = 100000000; div; div /= 10)
		arch_uart_putc((char)('0' + frac / div % 10));
	arch_uart_putc(']');
	arch_uart_putc(' ');
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
