/* Time and the per-core tick. The time CSR counts at the DTB's
 * /cpus/timebase-frequency and is the same on every hart (priv spec v1.12
 * §3.2.1 mtime, exposed as `time`); the tick is programmed through SBI TIME
 * set_timer, which also clears the pending timer interrupt. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/reload.h>
#include <plat/console_rx.h>
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/sbi.h>

#define NS_PER_S 1000000000ull

static uint64_t boot_time, tick_cycles, hz;

static uint64_t rdtime(void)
{
	return csr_read(time);
}

/* t = 0 of plat_time_ns: the boot hart's first C code, so boot figures
 * (bench/qemu_figures.py) include the image and DTB checks. */
void rv_timer_mark_boot(void)
{
	boot_time = rdtime();
}

void rv_timer_init(void)
{
	hz = rv_board.timebase_hz;
	/* tick_ns * hz stays far below 2^64 for any sane tick (< 1 h at 1 GHz). */
	tick_cycles = tess_system.tick_ns * hz / NS_PER_S;
	if (tess_system.tick_ns && !tick_cycles)
		tick_cycles = 1;
}

uint64_t plat_time_ns(void)
{
	if (!hz)
		return 0; /* before rv_timer_init (the first console line) */
	uint64_t d = rdtime() - boot_time;
	return d / hz * NS_PER_S + d % hz * NS_PER_S / hz;
}

void rv_timer_arm_next(void)
{
	struct rv_cpu *cpu = rv_this_cpu();
	uint64_t now = rdtime();

	if (!tick_cycles) {
		sbi_set_timer(~0ull); /* no tick: never */
		return;
	}
	cpu->next_tick += tick_cycles;
	/* Late (e.g. the host descheduled us): skip the missed ticks. */
	if (cpu->next_tick <= now)
		cpu->next_tick = now + tick_cycles;
	sbi_set_timer(cpu->next_tick);
}

void rv_tick(unsigned core)
{
	rv_timer_arm_next();
	kern_tick(core);
	if (core == 0 && tess_reload_on) {
		uint64_t t0 = plat_time_ns();

		reload_poll(t0);
		kern_irq_work(core, t0); /* the kernel's time, not the shard's */
	}
}
