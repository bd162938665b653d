/* Time and the per-core tick. The clock is the TSC (the same on every core
 * of QEMU and KVM guests; invariant on current CPUs, SDM Vol. 3B §17.17),
 * its frequency measured at boot against the 8254 PIT (1.193182 MHz,
 * channel 0 counted down and read back: microvm has no port 0x61 speaker
 * gate for the channel-2 method). The tick: the local APIC timer in
 * TSC-deadline mode where the CPU offers it (SDM Vol. 3A §10.5.4.1), else
 * in periodic mode at the rate measured in the same window. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <x86/plat.h>
#include <x86/regs.h>

#define NS_PER_S      1000000000ull
#define PIT_HZ	      1193182ull
#define PIT_WINDOW    11932u /* 10 ms of PIT ticks */
#define PIT_CH0	      0x40
#define PIT_MODE      0x43
#define PIT_CH0_RATE  0x34 /* channel 0, lobyte/hibyte, mode 2, binary (8254 datasheet, control word) */
#define PIT_CH0_LATCH 0x00 /* counter latch command for channel 0 */
#define PIT_CH0_ONCE  0x30 /* channel 0, lobyte/hibyte, mode 0 (one shot), binary */

uint64_t x86_tsc_hz;
static uint64_t boot_tsc, tick_tsc, ns_mult; /* ns = tsc delta * ns_mult >> 32 */
static uint32_t lapic_tick;

/* t = 0 of plat_time_ns: the boot core's first C code, so boot figures
 * (bench/) include the image and board checks. */
void x86_timer_mark_boot(void)
{
	boot_tsc = rdtsc();
}

static uint16_t pit_read(void)
{
	outb(PIT_MODE, PIT_CH0_LATCH);
	uint8_t lo = inb(PIT_CH0);
	return (uint16_t)(lo | inb(PIT_CH0) << 8);
}

void x86_timer_calibrate(void)
{
	outb(PIT_MODE, PIT_CH0_RATE);
	outb(PIT_CH0, 0); /* reload value 0 = 65536 */
	outb(PIT_CH0, 0);
	x86_lapic_timer_oneshot(0xffffffffu);
	uint16_t prev = pit_read();
	uint32_t elapsed = 0, spins = 0;
	uint64_t t0 = rdtsc();
	uint32_t a0 = x86_lapic_timer_count();
	while (elapsed < PIT_WINDOW) {
		uint16_t now = pit_read();
		elapsed += (uint16_t)(prev - now);
		prev = now;
		if (!elapsed && ++spins > 1000000u) {
			kern_log("x86: the PIT does not count: cannot measure the TSC");
			plat_halt_all();
		}
	}
	uint64_t t1 = rdtsc();
	uint32_t a1 = x86_lapic_timer_count();
	/* Leave channel 0 stopped after one count (its IRQ 0 stays masked,
	 * but a free-running PIT still costs a hypervisor timer). */
	outb(PIT_MODE, PIT_CH0_ONCE);
	outb(PIT_CH0, 1);
	outb(PIT_CH0, 0);
	x86_tsc_hz = (t1 - t0) * PIT_HZ / elapsed;
	uint64_t lapic_hz = (uint64_t)(a0 - a1) * PIT_HZ / elapsed;
	ns_mult = (NS_PER_S << 32) / x86_tsc_hz;
	tick_tsc = tess_system.tick_ns * x86_tsc_hz / NS_PER_S;
	uint64_t lt = tess_system.tick_ns * lapic_hz / NS_PER_S;
	lapic_tick = lt > 0xffffffffu ? 0xffffffffu : lt ? (uint32_t)lt : 1;
	kern_log("x86: TSC %lu kHz, APIC timer %lu kHz (against the PIT); tick %s",
		 (unsigned long)(x86_tsc_hz / 1000), (unsigned long)(lapic_hz / 1000),
		 x86_feat.tsc_deadline ? "TSC-deadline" : "APIC periodic");
}

uint64_t plat_time_ns(void)
{
	if (!ns_mult)
		return 0; /* before the calibration (the first console lines) */
	return (uint64_t)((unsigned __int128)(rdtsc() - boot_tsc) * ns_mult >> 32);
}

void x86_timer_start(struct x86_cpu *cpu)
{
	if (!tess_system.tick_ns)
		return;
	if (!x86_feat.tsc_deadline) {
		x86_lapic_timer_periodic(X86_VEC_TICK, lapic_tick);
		return;
	}
	x86_lapic_timer_deadline_mode(X86_VEC_TICK);
	cpu->next_tick = rdtsc();
	x86_timer_rearm(cpu);
}

void x86_timer_rearm(struct x86_cpu *cpu)
{
	if (!x86_feat.tsc_deadline || !tess_system.tick_ns)
		return;
	uint64_t now = rdtsc();
	cpu->next_tick += tick_tsc;
	/* Late (the host descheduled us): skip the missed ticks. */
	if (cpu->next_tick <= now)
		cpu->next_tick = now + tick_tsc;
	wrmsr(MSR_TSC_DEADLINE, cpu->next_tick);
}
