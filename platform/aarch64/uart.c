/* PL011 console (ARM PrimeCell UART PL011 TRM DDI0183: UARTDR at 0x000,
 * UARTFR at 0x018, FR.TXFF bit 5 = transmit FIFO full). QEMU's PL011
 * needs no baud setup; firmware on real boards has already set it. */
#include <stddef.h>
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>

#define UART_DR	     0x000
#define UART_FR	     0x018
#define UART_FR_TXFF (1u << 5)

static volatile uint32_t *uart;

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

void plat_console_write(const char *s, size_t n)
{
	if (!uart)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			putc_raw('\r');
		putc_raw(s[i]);
	}
}

void a64_uart_puts(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	plat_console_write(s, n);
}
