/* 16550 console on an I/O port (COM1, 0x3f8 on QEMU microvm/q35). Register
 * offsets and bits: TI PC16550D datasheet §8 (Table 2). The kernel
 * transmits by polling, so a panic can always print; received bytes (hot
 * reload frames) raise the console IRQ, routed to core 0 (main.c). */
#include <kern/arch.h>
#include <kern/reload.h>
#include <plat/console.h>
#include <x86/plat.h>
#include <x86/regs.h>

#define UART_THR  0 /* transmit holding (DLAB = 0) */
#define UART_RBR  0 /* receive buffer (DLAB = 0) */
#define UART_DLL  0 /* divisor latch (DLAB = 1) */
#define UART_IER  1
#define UART_DLM  1
#define UART_FCR  2 /* FIFO control: 0x07 enable, clear rx/tx, rx trigger 1 byte */
#define UART_LCR  3 /* 0x03: 8 data bits, no parity, 1 stop; 0x80 DLAB */
#define UART_MCR  4 /* 0x0b: DTR, RTS, OUT2 (OUT2 gates the IRQ line on PC boards) */
#define UART_LSR  5
#define LSR_DR	  0x01 /* a received byte waits in RBR */
#define LSR_THRE  0x20 /* room for one more byte */
#define IER_ERBFI 0x01 /* interrupt on received data (and FIFO timeout) */

static uint16_t port;

void x86_uart_init(uint16_t p)
{
	port = p;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, 0x80);
	outb(port + UART_DLL, 1); /* 115200 baud */
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, 0x03);
	outb(port + UART_FCR, 0x07);
	outb(port + UART_MCR, 0x0b);
}

void arch_uart_putc(char c)
{
	if (!port)
		return;
	while (!(inb(port + UART_LSR) & LSR_THRE))
		;
	outb(port + UART_THR, (uint8_t)c);
}

void x86_uart_puts(const char *s)
{
	while (*s)
		arch_uart_putc(*s++);
}

void x86_uart_rx_enable(void)
{
	outb(port + UART_IER, IER_ERBFI);
}

/* Reading RBR until LSR.DR clears also drops the interrupt (PC16550D
 * Table 4), so the next byte raises a new edge. */
void x86_uart_rx_drain(void)
{
	while (inb(port + UART_LSR) & LSR_DR)
		reload_rx_byte(inb(port + UART_RBR));
}
