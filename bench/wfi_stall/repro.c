/* bench/wfi_stall: the smallest program that shows the stall of
 * bench/README.md "QEMU figures" (README.md here). Two cores at EL1, no
 * MMU: each arms its virtual timer, waits in wfi with IRQs masked, takes
 * the PPI from the GICv3 CPU interface, counts and repeats; core 0 also
 * sends core 1 an SGI at every wake-up, as Tessera's notify does. Core 0
 * prints both counts every 4096 of its wake-ups: a count that stops while
 * the other goes on is a stalled vCPU. */
#include <stdint.h>

#define UART	    0x09000000ul /* PL011 */
#define GICD	    0x08000000ul
#define GICR(c)	    (0x080a0000ul + (c)*0x20000ul)
#define PPI_VTIMER  27
#define SGI_KICK    1
#define PSCI_CPU_ON 0xc4000003ul
#define TICKS	    (uint64_t)(TESS_WFI_TICKS)
#define NCORES	    TESS_WFI_CORES
#define BUSY0	    TESS_WFI_BUSY0

#define SYSREG_W(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define SYSREG_R(r)                                                                                          \
	({                                                                                                   \
		uint64_t _v;                                                                                 \
		__asm__ volatile("mrs %0, " #r : "=r"(_v)::"memory");                                        \
		_v;                                                                                          \
	})

static volatile uint64_t wakes[4], timer_irqs[4], sgis[4];
extern char _start[];

static void w32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static uint32_t r32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void putc_(char c)
{
	while (r32(UART + 0x18) & 0x20) /* UARTFR.TXFF */
		;
	w32(UART, (uint32_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void putu(uint64_t v)
{
	char b[21];
	int i = 20;

	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while (v /= 10);
	puts_(b + i);
}

/* GICv3 (IHI 0069): the redistributor awake, the PPI and the SGI in group
 * 1 and enabled, the CPU interface's system registers on. */
static void gic_core(unsigned c)
{
	uintptr_t rd = GICR(c), sgi = rd + 0x10000;

	w32(rd + 0x14, r32(rd + 0x14) & ~2u); /* GICR_WAKER.ProcessorSleep */
	while (r32(rd + 0x14) & 4u)	      /* ChildrenAsleep */
		;
	w32(sgi + 0x80, (1u << PPI_VTIMER) | (1u << SGI_KICK));	 /* GICR_IGROUPR0 */
	w32(sgi + 0x100, (1u << PPI_VTIMER) | (1u << SGI_KICK)); /* GICR_ISENABLER0 */
	SYSREG_W(S3_0_C12_C12_5, 7);				 /* ICC_SRE_EL1 */
	__asm__ volatile("isb");
	SYSREG_W(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1 */
	SYSREG_W(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
	__asm__ volatile("isb");
}

static void report(void)
{
	puts_("wfi_stall| guest time ");
	putu(SYSREG_R(cntvct_el0) / 62500); /* QEMU virt: 62.5 MHz */
	puts_(" ms, core 0 wakes ");
	putu(wakes[0]);
	for (unsigned c = 1; c < NCORES; c++) {
		puts_(", core ");
		putu(c);
		puts_(" wakes ");
		putu(wakes[c]);
		puts_(" (timer ");
		putu(timer_irqs[c]);
		puts_(", sgi ");
		putu(sgis[c]);
		puts_(")");
	}
	puts_("\n");
}

/* Core 0 of the busy variant: never waits, kicks the others now and then,
 * as a core running shards notifies idle ones. */
static void busy_loop(void)
{
	for (uint64_t i = 1;; i++) {
		__asm__ volatile("" ::: "memory");
		if ((i & 1023) == 0) {
			wakes[0]++;
			SYSREG_W(S3_0_C12_C11_5,
				 (1ul << 24) * SGI_KICK | ((1u << NCORES) - 2)); /* ICC_SGI1R_EL1 */
			if ((wakes[0] & 16383) == 0)
				report();
		}
	}
}

static void core_loop(unsigned c)
{
	__asm__ volatile("msr daifset, #2"); /* IRQs masked: wfi still wakes on a pending one */
	SYSREG_W(cntv_tval_el0, TICKS);
	SYSREG_W(cntv_ctl_el0, 1);
	for (;;) {
		uint64_t iar;

		__asm__ volatile("dsb sy\n wfi" ::: "memory");
		while ((iar = SYSREG_R(S3_0_C12_C12_0) & 0xffffff) < 1020) { /* ICC_IAR1_EL1 */
			if (iar == PPI_VTIMER) {
				timer_irqs[c]++;
				SYSREG_W(cntv_tval_el0, TICKS);
			} else
				sgis[c]++;
			SYSREG_W(S3_0_C12_C12_1, iar); /* ICC_EOIR1_EL1 */
		}
		wakes[c]++;
		if (c == 0) {
			SYSREG_W(S3_0_C12_C11_5,
				 (1ul << 24) * SGI_KICK | ((1u << NCORES) - 2)); /* ICC_SGI1R_EL1 */
			if ((wakes[0] & 4095) == 0)
				report();
		}
	}
}

void core_main(unsigned c)
{
	if (c == 0) {
		w32(GICD, 0x12); /* GICD_CTLR: ARE, EnableGrp1 (one security state) */
		for (uint64_t t = 1; t < NCORES; t++) {
			register uint64_t x0 __asm__("x0") = PSCI_CPU_ON, x1 __asm__("x1") = t,
					     x2 __asm__("x2") = (uint64_t)(uintptr_t)_start,
					     x3 __asm__("x3") = 0;
			__asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
		}
		puts_("wfi_stall| started, timer every " TESS_WFI_TICKS_STR " ticks\n");
	}
	gic_core(c);
	if (c == 0 && BUSY0)
		busy_loop();
	core_loop(c);
}
