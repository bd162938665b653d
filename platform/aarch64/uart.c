/* PL011 console (ARM PrimeCell UART PL011 TRM DDI0183: UARTDR at 0x000,
 * UARTFR at 0x018, FR.TXFF bit 5 = transmit FIFO full). QEMU's PL011
 * needs no baud setup; firmware on real boards has already set it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <kern/reload.h>
#include <plat/console.h>

#define UART_DR	     0x000
#define UART_FR	     0x018
#define UART_FR_TXFF (1u << 5)
#define UART_FR_RXFE (1u << 4) /* receive FIFO empty */
#define UART_IMSC    0x038
#define UART_ICR     0x044
#define UART_INT_RX  (1u << 4) /* RXIM: receive */
#define UART_INT_RT  (1u << 6) /* RTIM: receive timeout */

static volatile uint32_t *uart;

void a64_uart_init(uint64_t pa)
{
	uart = a64_kva(pa);
}

/* Polling transmit (platform/common/console.c formats the text). */
void arch_uart_putc(char c)
{
	if (!uart)
		return;
	while (uart[UART_FR / 4] & UART_FR_TXFF)
		;
	uart[UART_DR / 4] = (uint8_t)c;
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
	plat_console_write(s, strlen(s));
}
