/* An exception taken in the kernel is a kernel bug: dump the vector, error
 * code, RIP, CR2 and the general registers straight to the UART (no
 * kern_log: its lock may be held by the code that trapped), after parking
 * every other core. A double fault (vector 8) arrives on its own IST stack
 * (cpu.c); if CR2 lies in the guard page below a core's kernel stack, the
 * kernel overflowed that stack (the #PF could not be delivered on it, SDM
 * Vol. 3A §6.15 "Interrupt 8") and the dump says so, in the line the
 * other ports print for it, instead of the CPU resetting (a triple
 * fault). */
#include <kern/arch.h>
#include <plat/console.h>
#include <x86/plat.h>
#include <x86/regs.h>

#define VEC_DF 8

static const char *const vec_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?",   "#TS",
	"#NP", "#SS", "#GP", "#PF", "?",   "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	"?",   "?",   "?",   "?",   "?",   "?",	  "#HV", "#VC", "#SX", "?",
};

static void put_hex(const char *name, uint64_t v)
{
	arch_uart_putc(' ');
	x86_uart_puts(name);
	arch_uart_putc('=');
	for (int sh = 60; sh >= 0; sh -= 4)
		arch_uart_putc("0123456789abcdef"[(v >> sh) & 15]);
}

static void put_dec(unsigned v)
{
	if (v >= 10)
		put_dec(v / 10);
	arch_uart_putc((char)('0' + v % 10));
}

extern char x86_stacks[];

/* The core whose stack guard page holds `addr`, or -1. */
static int overflowed(uint64_t addr)
{
	uint64_t st = (uint64_t)(uintptr_t)x86_stacks;
	if (addr < st || addr >= st + (uint64_t)X86_STACK_SIZE * TESS_MAX_CORES ||
	    (addr - st) % X86_STACK_SIZE >= 4096)
		return -1;
	return (int)((addr - st) / X86_STACK_SIZE);
}

_Noreturn void x86_panic(const struct x86_kframe *f)
{
	static const char *const names[15] = {"r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8",
					      "rbp", "rdi", "rsi", "rdx", "rcx", "rbx", "rax"};
	uint64_t cr2 = CR_READ(cr2);
	unsigned core = x86_lapic_id(); /* core n = APIC ID n; GS.base may be the shard's */
	x86_stop_others();
	x86_uart_puts("\r\nkern| panic: ");
	x86_uart_puts(f->vector < 32 ? vec_names[f->vector] : "interrupt");
	x86_uart_puts(" in the kernel on core ");
	put_dec(core);
	int ov = f->vector == VEC_DF ? overflowed(cr2) : -1;
	if (ov >= 0) {
		x86_uart_puts("\r\nkern| panic: kernel stack overflow on core ");
		put_dec((unsigned)ov);
	}
	x86_uart_puts("\r\nkern| panic:");
	put_hex("vector", f->vector);
	put_hex("error", f->error);
	put_hex("rip", f->rip);
	put_hex("cr2", cr2);
	x86_uart_puts("\r\nkern| panic:");
	put_hex("rsp", f->rsp);
	put_hex("rflags", f->rflags);
	put_hex("cs", f->cs);
	put_hex("cr3", CR_READ(cr3));
	const uint64_t *r = &f->r15;
	for (unsigned i = 0; i < 15; i++) {
		if (i % 4 == 0)
			x86_uart_puts("\r\nkern| panic:");
		put_hex(names[14 - i], r[14 - i]);
	}
	x86_uart_puts("\r\nkern| panic: halting all cores\r\n");
	x86_park();
}
