/* Generic timer (Arm ARM DDI0487 D11): the virtual counter CNTVCT_EL0 is
 * the same on every core; each core's virtual timer (CNTV, PPI 27 on QEMU
 * virt) fires every tess_system.tick_ns. */
#include <stdint.h>
#include <arch/a64.h>
#include <kern/arch.h>

static uint64_t freq, boot_count, tick_count;

void a64_timer_init_boot(uint64_t tick_ns)
{
	freq = SYSREG_READ(cntfrq_el0);
	boot_count = SYSREG_READ(cntvct_el0);
	tick_count = tick_ns * freq / 1000000000ull;
	if (tick_count == 0)
		tick_count = 1;
}

void a64_timer_rearm(void)
{
	SYSREG_WRITE(cntv_tval_el0, tick_count);
	ISB();
}

void a64_timer_init_cpu(void)
{
	a64_timer_rearm();
	SYSREG_WRITE(cntv_ctl_el0, 1); /* ENABLE=1, IMASK=0 (D17.2 CNTV_CTL_EL0) */
	ISB();
}

uint64_t plat_time_ns(void)
{
	ISB(); /* order the counter read after earlier instructions */
	uint64_t c = SYSREG_READ(cntvct_el0) - boot_count;
	return (c / freq) * 1000000000ull + (c % freq) * 1000000000ull / freq;
}
