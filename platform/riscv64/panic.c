/* A trap taken in S-mode is a kernel bug: dump scause, sepc, stval and
 * x1..x31 straight to the UART (no kern_log: its lock may be held by the
 * code that trapped), after parking every other hart. */
#include <kern/arch.h>
#include <plat/console.h>
#include <rv/plat.h>

static const char *const names[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
				      "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
				      "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

static void put_hex(uint64_t v)
{
	rv_uart_puts("0x");
	for (int sh = 60; sh >= 0; sh -= 4)
		arch_uart_putc("0123456789abcdef"[(v >> sh) & 15]);
}

static void put_reg(const char *name, uint64_t v)
{
	rv_uart_puts(name);
	arch_uart_putc('=');
	put_hex(v);
}

extern char rv_stacks[]; /* head.S; mmu_kernel.c unmaps each stack's lowest page */

/* A fault on the guard page at the bottom of a core's kernel stack: say
 * whose stack overflowed (the spare stack, TESS_MAX_CORES, is the boot
 * hart's when the manifest does not use it). */
static void stack_overflow(unsigned long stval)
{
	for (unsigned c = 0; c <= TESS_MAX_CORES; c++) {
		uint64_t guard = (uint64_t)(uintptr_t)rv_stacks + c * RV_STACK_SIZE;

		if (stval >= guard && stval < guard + RV_STACK_GUARD) {
			rv_uart_puts("kern| panic: kernel stack overflow on core ");
			arch_uart_putc((char)('0' + c % 10));
			rv_uart_puts("\r\n");
			return;
		}
	}
}

_Noreturn void rv_panic_regs(const uint64_t *x, unsigned long scause, unsigned long sepc, unsigned long stval)
{
	/* Park the other harts first, so their console lines cannot land
	 * inside the dump. */
	rv_stop_others();
	rv_uart_puts("kern| panic: S-mode trap on core ");
	arch_uart_putc((char)('0' + rv_this_cpu()->core % 10));
	rv_uart_puts(": ");
	put_reg("scause", scause);
	arch_uart_putc(' ');
	put_reg("sepc", sepc);
	arch_uart_putc(' ');
	put_reg("stval", stval);
	rv_uart_puts("\r\n");
	stack_overflow(stval);
	for (unsigned i = 1; i < 32; i++) {
		if (i % 4 == 1)
			rv_uart_puts("kern| ");
		char n[4] = {'x', (char)('0' + i % 10), 0, 0};
		if (i >= 10) {
			n[1] = (char)('0' + i / 10);
			n[2] = (char)('0' + i % 10);
		}
		rv_uart_puts(n);
		arch_uart_putc('/');
		put_reg(names[i], x[i]);
		rv_uart_puts(i % 4 == 0 || i == 31 ? "\r\n" : " ");
	}
	rv_uart_puts("kern| panic: halting all harts\r\n");
	rv_park();
}
