/* Exceptions taken from EL1 are kernel bugs: dump the registers and stop
 * every core. Written straight to the console (no kern_log: the fault may
 * have happened with the console lock held). */
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>
#include <plat/halt.h>

_Static_assert(A64_PANIC_STACK == 1 << 12, "vectors.S shifts the core number by 12");
_Static_assert((TESS_MAX_CORES & (TESS_MAX_CORES - 1)) == 0, "vectors.S masks the core number");

/* Where the EL1 vectors put the dump's frame (vectors.S ventry_el1). */
uint8_t a64_panic_stacks[TESS_MAX_CORES][A64_PANIC_STACK] __attribute__((aligned(16)));

static const char *const vector_names[16] = {
	"EL1t sync",	    "EL1t irq",	       "EL1t fiq",	  "EL1t serror",
	"EL1h sync",	    "EL1h irq",	       "EL1h fiq",	  "EL1h serror",
	"EL0 sync",	    "EL0 irq",	       "EL0 fiq",	  "EL0 serror",
	"EL0 aarch32 sync", "EL0 aarch32 irq", "EL0 aarch32 fiq", "EL0 aarch32 serror",
};

static void put_hex(const char *name, uint64_t v)
{
	char buf[24];
	unsigned n = 0;
	buf[n++] = ' ';
	while (*name)
		buf[n++] = *name++;
	buf[n++] = '=';
	for (int sh = 60; sh >= 0; sh -= 4)
		buf[n++] = "0123456789abcdef"[(v >> sh) & 15];
	plat_console_write(buf, n);
}

/* A fault on the guard page below a core's kernel stack (main.c
 * a64_stacks, unmapped by boot.S): say whose stack overflowed. */
static void stack_overflow(uint64_t far)
{
	for (unsigned c = 0; c < TESS_MAX_CORES; c++) {
		uint64_t guard = (uint64_t)(uintptr_t)a64_stacks[c].guard;

		if (far >= guard && far < guard + A64_KSTACK_GUARD) {
			char n[2] = {(char)('0' + c % 10), 0};

			a64_uart_puts("\nkern| panic: kernel stack overflow on core ");
			a64_uart_puts(n);
			return;
		}
	}
}

void a64_el1_panic(uint64_t vector, const uint64_t *frame)
{
	static const char *const xn[31] = {"x0",  "x1",	 "x2",	"x3",  "x4",  "x5",  "x6",  "x7",
					   "x8",  "x9",	 "x10", "x11", "x12", "x13", "x14", "x15",
					   "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
					   "x24", "x25", "x26", "x27", "x28", "x29", "x30"};
	/* Up to 50 ms for the others to park, so the dump is not interleaved
	 * with their console lines. */
	tess_stop_others(plat_core_id(), 50000000);
	a64_uart_puts("\nkern| panic: exception from EL1: ");
	a64_uart_puts(vector_names[vector & 15]);
	a64_uart_puts("\nkern| panic:");
	put_hex("ESR", SYSREG_READ(esr_el1));
	put_hex("ELR", SYSREG_READ(elr_el1));
	put_hex("FAR", SYSREG_READ(far_el1));
	put_hex("SP", frame[31]);
	put_hex("core", SYSREG_READ(tpidr_el1));
	stack_overflow(SYSREG_READ(far_el1));
	for (unsigned i = 0; i < 31; i++) {
		if (i % 4 == 0)
			a64_uart_puts("\nkern| panic:");
		put_hex(xn[i], frame[i]);
	}
	a64_uart_puts("\nkern| panic: halting all cores\n");
	plat_halt_all();
}
