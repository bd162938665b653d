/* Interrupts of one core, taken either from a running shard (trap.c) or in
 * plat_idle's sti; hlt (the only place the kernel runs with IF = 1):
 * x86_irq_record notes what arrived and sends the EOI at once (SDM Vol. 3A
 * §10.8.5); x86_irq_take, back in the kernel's normal flow, acts on it. A
 * device GSI is masked at its IOAPIC pin before the EOI and handed to kern/
 * one at a time; the tick re-arms; on core 0 (the console core) the
 * console's receive interrupt feeds kern/reload and every tick polls it. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/reload.h>
#include <plat/console_rx.h>
#include <plat/halt.h>
#include <x86/plat.h>

void x86_irq_record(struct x86_cpu *cpu, unsigned vector)
{
	if (vector == X86_VEC_SPUR)
		return; /* no EOI for the spurious vector (§10.9) */
	if (vector >= X86_VEC_GSI0 && vector < X86_VEC_GSI0 + X86_MAX_GSI) {
		uint32_t gsi = vector - X86_VEC_GSI0;
		x86_ioapic_mask(gsi, true);
		cpu->gsi_pending |= 1ull << gsi;
	} else if (vector == X86_VEC_TICK) {
		cpu->events |= X86_EV_TICK;
	} else if (vector == X86_VEC_CONSOLE) {
		cpu->events |= X86_EV_CONSOLE;
	}
	/* X86_VEC_WAKE needs nothing: the pending sets are in memory. */
	x86_lapic_eoi();
	if (tess_halting)
		x86_park();
}

enum plat_irq x86_irq_take(struct x86_cpu *cpu, uint32_t *gsi)
{
	enum plat_irq res = PLAT_IRQ_NONE;
	if (cpu->events & X86_EV_CONSOLE) {
		uint64_t t0 = plat_time_ns();

		cpu->events &= ~X86_EV_CONSOLE;
		x86_uart_rx_drain();
		kern_irq_work(cpu->core, t0); /* the kernel's time, not the shard's */
	}
	if (cpu->events & X86_EV_TICK) {
		cpu->events &= ~X86_EV_TICK;
		x86_timer_rearm(cpu);
		kern_tick(cpu->core);
		if (cpu->core == 0 && tess_reload_on) {
			uint64_t t0 = plat_time_ns();

			reload_poll(t0);
			kern_irq_work(cpu->core, t0);
		}
		if (cpu->core == 0)
			x86_bench_report();
		res = PLAT_IRQ_TICK;
	}
	if (cpu->gsi_pending) {
		uint32_t g = (uint32_t)__builtin_ctzll(cpu->gsi_pending);
		cpu->gsi_pending &= ~(1ull << g);
		*gsi = g;
		return PLAT_IRQ_DEVICE;
	}
	return res;
}
