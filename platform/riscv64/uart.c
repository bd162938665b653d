/* NS16550A console (QEMU virt uart0, 1-byte registers, reg-shift 0).
 * Register offsets and bits: TI PC16550D datasheet §8.2 (Table 2). The
 * kernel only transmits, by polling, so a panic can always print. */
#include <stdbool.h>
#include <kern/arch.h>
#include <kern/reload.h>
#include <plat/console.h>
#include <rv/plat.h>

#define UART_THR  0 /* transmit holding register (DLAB = 0) */
#define UART_IER  1 /* interrupt enable: kept 0, we poll */
#define UART_FCR  2 /* FIFO control: bit 0 enable, bits 1-2 clear rx/tx */
#define UART_LCR  3 /* line control: 0x03 = 8 data bits, no parity, 1 stop */
#define UART_LSR  5 /* line status: bit 5 THRE, room for one more byte */
#define LSR_THRE  0x20
#define LSR_DR	  0x01 /* line status: a received byte is waiting in RBR */
#define UART_RBR  0    /* receive buffer register (DLAB = 0) */
#define IER_ERBFI 0x01 /* interrupt on received data available (and FIFO timeout) */

static volatile uint8_t *uart;

void rv_uart_init(uint64_t pa)
{
	uart = rv_kva(pa);
	uart[UART_IER] = 0;
	uart[UART_LCR] = 0x03;
	uart[UART_FCR] = 0x07;
}

void arch_uart_putc(char c)
{
	if (!uart)
		return;
	while (!(uart[UART_LSR] & LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

void rv_uart_puts(const char *s)
{
	while (*s)
		arch_uart_putc(*s++);
}

/* Hot reload frames arrive on the console: interrupt on received data
 * (PLIC routing: plic.c), every byte goes to kern/reload. */
void rv_uart_rx_enable(void)
{
	uart[UART_IER] = IER_ERBFI;
}

/* Reading RBR until LSR.DR clears also drops the interrupt (PC16550D
 * Table 4, "Interrupt Identification"), so no byte is left behind. */
void rv_uart_rx_drain(void)
{
	while (uart[UART_LSR] & LSR_DR)
		reload_rx_byte(uart[UART_RBR]);
}
