/* The local APIC (SDM Vol. 3A ch. 10): x2APIC through MSRs when the CPU
 * offers it (§10.12), else xAPIC through its MMIO page (from the MADT,
 * acpi.c). Register offsets are the xAPIC ones (Table 10-1); x2APIC has
 * register o at MSR 0x800 + o / 16 (§10.12.1.2) and a 64-bit ICR. */
#include <stdbool.h>
#include <x86/plat.h>
#include <x86/regs.h>

#define LAPIC_ID	0x020
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0 /* spurious vector, bit 8: APIC software enable (§10.9) */
#define LAPIC_ESR	0x280
#define LAPIC_ICR	0x300
#define LAPIC_ICR_HI	0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERR	0x370
#define LAPIC_TIMER_ICR 0x380
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define LVT_MASKED	 (1u << 16)
#define LVT_PERIODIC	 (1u << 17) /* timer mode 01 (§10.5.4, Figure 10-8) */
#define LVT_TSC_DEADLINE (2u << 17) /* timer mode 10 (§10.5.4.1) */
#define ICR_INIT	 (5u << 8)  /* delivery mode INIT (§10.6.1, Figure 10-12) */
#define ICR_STARTUP	 (6u << 8)
#define ICR_ASSERT	 (1u << 14)
#define ICR_PENDING	 (1u << 12) /* xAPIC delivery status */

static volatile uint32_t *mmio;
static bool ready; /* this core's x86_lapic_init ran (boot core first) */

static uint32_t rd(uint32_t reg)
{
	return x86_feat.x2apic ? (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / 16) : mmio[reg / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
	if (x86_feat.x2apic)
		wrmsr(MSR_X2APIC_BASE + reg / 16, v);
	else
		mmio[reg / 4] = v;
}

void x86_lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_EN;
	wrmsr(MSR_APIC_BASE, base);
	if (x86_feat.x2apic)
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	else
		mmio = x86_kva(x86_board.lapic_pa);
	wr(LAPIC_TPR, 0);
	/* LINT0/LINT1 (the 8259's ExtINT, NMI pins) and errors stay masked:
	 * every interrupt we take comes through the IOAPIC or is an IPI. */
	wr(LAPIC_LVT_LINT0, LVT_MASKED);
	wr(LAPIC_LVT_LINT1, LVT_MASKED);
	wr(LAPIC_LVT_ERR, LVT_MASKED);
	wr(LAPIC_LVT_TIMER, LVT_MASKED);
	wr(LAPIC_SVR, (1u << 8) | X86_VEC_SPUR);
	wr(LAPIC_ESR, 0);
	ready = true;
}

/* Before x86_lapic_init only the boot core runs: APIC ID 0 (main.c). */
uint32_t x86_lapic_id(void)
{
	if (!ready)
		return 0;
	return x86_feat.x2apic ? (uint32_t)rdmsr(MSR_X2APIC_BASE + LAPIC_ID / 16) : rd(LAPIC_ID) >> 24;
}

void x86_lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}

static void icr(uint32_t apic_id, uint32_t low)
{
	if (x86_feat.x2apic) {
		wrmsr(MSR_X2APIC_BASE + LAPIC_ICR / 16, (uint64_t)apic_id << 32 | low);
		return;
	}
	while (mmio[LAPIC_ICR / 4] & ICR_PENDING)
		cpu_relax();
	mmio[LAPIC_ICR_HI / 4] = apic_id << 24;
	mmio[LAPIC_ICR / 4] = low;
}

/* Fixed delivery, physical destination, edge. */
void x86_lapic_ipi(uint32_t apic_id, uint32_t vector)
{
	icr(apic_id, vector | ICR_ASSERT);
}

void x86_lapic_init_ipi(uint32_t apic_id)
{
	icr(apic_id, ICR_INIT | ICR_ASSERT);
}

/* Start-up IPI: the AP begins in real mode at page `tramp_pa` >> 12. */
void x86_lapic_sipi(uint32_t apic_id, uint32_t tramp_pa)
{
	icr(apic_id, ICR_STARTUP | ICR_ASSERT | tramp_pa >> 12);
}

void x86_lapic_timer_periodic(uint32_t vector, uint32_t count)
{
	wr(LAPIC_TIMER_DIV, 0xb); /* divide by 1 (Figure 10-10) */
	wr(LAPIC_LVT_TIMER, vector | LVT_PERIODIC);
	wr(LAPIC_TIMER_ICR, count);
}

void x86_lapic_timer_deadline_mode(uint32_t vector)
{
	wr(LAPIC_LVT_TIMER, vector | LVT_TSC_DEADLINE);
	/* Order the LVT write before the first IA32_TSC_DEADLINE write
	 * (§10.5.4.1: MFENCE in xAPIC mode; harmless with x2APIC). */
	__asm__ volatile("mfence" ::: "memory");
}

void x86_lapic_timer_oneshot(uint32_t count)
{
	wr(LAPIC_TIMER_DIV, 0xb);
	wr(LAPIC_LVT_TIMER, LVT_MASKED);
	wr(LAPIC_TIMER_ICR, count);
}

uint32_t x86_lapic_timer_count(void)
{
	return rd(LAPIC_TIMER_CCR);
}
