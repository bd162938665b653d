/* PL011 console (ARM PrimeCell UART PL011 TRM DDI0183: UARTDR at 0x000,
 * UARTFR at 0x018, FR.TXFF bit 5 = transmit FIFO full). QEMU's PL011
 * needs no baud setup; firmware on real boards has already set it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/reload.h>

#define UART_DR	     0x000
#define UART_FR	     0x018
#define UART_FR_TXFF (1u << 5)
#define UART_FR_RXFE (1u << 4) /* receive FIFO empty */
#define UART_IMSC    0x038
#define UART_ICR     0x044
#define UART_INT_RX  (1u << 4) /* RXIM: receive */
#define UART_INT_RT  (1u << 6) /* RTIM: receive timeout */

static volatile uint32_t *uart;
static bool line_start = true;
/* stamps_on.c / stamps_off.c (picked by TESS_CONSOLE_STAMPS): prefix every
 * console line with the boot time "[s.nnnnnnnnn] " for bench/qemu_figures.py. */
extern const bool a64_console_stamps;

void a64_uart_init(uint64_t pa)
{
	uart = a64_kva(pa);
}

static void putc_raw(char c)
{
	while (uart[UART_FR / 4] & UART_FR_TXFF)
		;
	uart[UART_DR / 4] = (uint8_t)c;
}

static void put_stamp(void)
{
	uint64_t ns = plat_time_ns(), sec = ns / 1000000000u, frac = ns % 1000000000u;
	char buf[40];
	unsigned n = 0, i;
	char digits[20];
	unsigned nd = 0;
	do {
		digits[nd++] = (char)('0' + sec % 10);
		sec /= 10;
	} while (sec);
	buf[n++] = '[';
	while (nd)
		buf[n++] = digits[--nd];
	buf[n++] = '.';
	for (i = 0; i < 9; i++) {
		buf[n + 8 - i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	n += 9;
	buf[n++] = ']';
	buf[n++] = ' ';
	for (i = 0; i < n; i++)
		putc_raw(buf[i]);
}

/* Text gets "\r\n" line ends (and time stamps); hot reload frames
 * (0x00, SOH, COBS body, 0x00: docs/reload.md "Framing") pass untouched.
 * Callers are serialised by kern/'s console lock. */
void plat_console_write(const char *s, size_t n)
{
	static bool in_frame;
	if (!uart)
		return;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == 0x01)
			in_frame = true;
		else if (c == 0)
			in_frame = false;
		if (in_frame || c == 0) {
			putc_raw(c);
			continue;
		}
		if (line_start && a64_console_stamps)
			put_stamp();
		line_start = c == '\n';
		if (c == '\n')
			putc_raw('\r');
		putc_raw(c);
	}
}

/* Hot reload frames arrive on the console (docs/reload.md): receive
 * interrupts on, every byte goes to reload_rx_byte (irq.c). */
void a64_uart_rx_enable(void)
{
	uart[UART_ICR / 4] = UART_INT_RX | UART_INT_RT;
	uart[UART_IMSC / 4] = UART_INT_RX | UART_INT_RT;
}

/* Clear the interrupt first, then empty the FIFO: a byte arriving after
 * the last read raises it again (clearing afterwards could lose it). */
void a64_uart_rx_drain(void)
{
	uart[UART_ICR / 4] = UART_INT_RX | UART_INT_RT;
	while (!(uart[UART_FR / 4] & UART_FR_RXFE))
		reload_rx_byte((uint8_t)uart[UART_DR / 4]);
}

void a64_uart_puts(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	plat_console_write(s, n);
}
