/* GICv3 (Arm IHI0069 GICv3/v4 architecture spec). Affinity routing on,
 * every interrupt Group 1 Non-secure, delivered through the system-register
 * CPU interface. QEMU virt runs the GIC with a single security state
 * (GICD_CTLR.DS=1), so GICD_CTLR bit 1 enables Group 1 and bit 4 is ARE. */
#include <stdint.h>
#include <tessera/limits.h>
#include <arch/a64.h>

#define GICD_CTLR	 0x0000
#define GICD_IGROUPR	 0x0080
#define GICD_ISENABLER	 0x0100
#define GICD_ICENABLER	 0x0180
#define GICD_IPRIORITYR	 0x0400
#define GICD_IROUTER	 0x6000
#define GICD_CTLR_RWP	 (1u << 31)
#define GICR_WAKER	 0x0014
#define GICR_TYPER	 0x0008
#define GICR_TYPER_LAST	 (1ull << 4)
#define GICR_SGI	 0x10000 /* SGI_base frame: 64 KiB after RD_base */
#define GICR_IGROUPR0	 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0	 (GICR_SGI + 0x0100)
#define GICR_IPRIORITYR0 (GICR_SGI + 0x0400)
#define WAKER_SLEEP	 (1u << 1) /* ProcessorSleep, IHI0069 12.11.39 */
#define WAKER_ASLEEP	 (1u << 2) /* ChildrenAsleep */
#define PRIO		 0x80u

static volatile uint32_t *reg32(uint64_t pa)
{
	return a64_kva(pa);
}

static void dist_wait(void)
{
	while (*reg32(A64_GICD_PA + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

void a64_gic_init_dist(void)
{
	*reg32(A64_GICD_PA + GICD_CTLR) = 0;
	dist_wait();
	/* ARE (bit 4) first, then Group 1 enable (bit 1), IHI0069 12.9.4. */
	*reg32(A64_GICD_PA + GICD_CTLR) = 1u << 4;
	dist_wait();
	*reg32(A64_GICD_PA + GICD_CTLR) = (1u << 4) | (1u << 1);
	dist_wait();
}

/* This core's redistributor: the frame whose GICR_TYPER.Affinity_Value
 * ([63:32], IHI0069 12.11.37) is its MPIDR affinity; frames follow each
 * other until one has GICR_TYPER.Last (bit 4). */
static uint64_t find_rd(unsigned core)
{
	uint64_t rd = A64_GICR_PA;
	for (unsigned i = 0; i < 4 * TESS_MAX_CORES; i++, rd += A64_GICR_STRIDE) {
		volatile uint64_t *typer = a64_kva(rd + GICR_TYPER);
		uint64_t t = *typer;
		if ((t >> 32) == core)
			return rd;
		if (t & GICR_TYPER_LAST)
			break;
	}
	return A64_GICR_PA + core * A64_GICR_STRIDE;
}

void a64_gic_init_cpu(unsigned core)
{
	uint64_t rd = find_rd(core);
	*reg32(rd + GICR_WAKER) &= ~WAKER_SLEEP;
	while (*reg32(rd + GICR_WAKER) & WAKER_ASLEEP)
		;
	*reg32(rd + GICR_IGROUPR0) = 0xffffffffu;
	for (unsigned i = 0; i < 32; i += 4)
		*reg32(rd + GICR_IPRIORITYR0 + i) = PRIO * 0x01010101u;
	*reg32(rd + GICR_ISENABLER0) = (1u << A64_SGI_WAKE) | (1u << A64_SGI_HALT) | (1u << A64_TIMER_PPI);
	/* CPU interface (IHI0069 12.2): system registers, all priorities,
	 * EOImode 0 (EOIR drops priority and deactivates), Group 1 on. */
	SYSREG_WRITE(S3_0_C12_C12_5, SYSREG_READ(S3_0_C12_C12_5) | 1); /* ICC_SRE_EL1.SRE */
	ISB();
	SYSREG_WRITE(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1 */
	SYSREG_WRITE(S3_0_C12_C12_4, 0);  /* ICC_CTLR_EL1 */
	SYSREG_WRITE(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
	ISB();
}

uint32_t a64_gic_ack(void)
{
	uint32_t id = (uint32_t)SYSREG_READ(S3_0_C12_C12_0) & 0xffffffu; /* ICC_IAR1_EL1 */
	DSB(sy);
	return id;
}

void a64_gic_eoi(uint32_t intid)
{
	SYSREG_WRITE(S3_0_C12_C12_1, intid); /* ICC_EOIR1_EL1 */
	ISB();
}

/* ICC_SGI1R_EL1 (IHI0069 12.2.21): TargetList[15:0] by Aff0, Aff1[23:16],
 * INTID[27:24]. Core n has MPIDR Aff0 = n (checked against the DTB). */
void a64_gic_sgi(unsigned core, unsigned sgi)
{
	uint64_t v = (1ull << (core & 15)) | ((uint64_t)(core >> 4) << 16) | ((uint64_t)sgi << 24);
	DSB(ishst);
	SYSREG_WRITE(S3_0_C12_C11_5, v);
	ISB();
}

/* A granted SPI: Group 1, routed to the owner's core (GICD_IROUTER,
 * IHI0069 12.9.22: Aff0 in bits [7:0], Interrupt_Routing_Mode 0), masked
 * until kern_boot's owner acks (plat_irq_unmask). */
void a64_gic_spi_route(uint32_t intid, unsigned core)
{
	*reg32(A64_GICD_PA + GICD_ICENABLER + (intid / 32) * 4) = 1u << (intid % 32);
	*reg32(A64_GICD_PA + GICD_IGROUPR + (intid / 32) * 4) |= 1u << (intid % 32);
	volatile uint8_t *prio = a64_kva(A64_GICD_PA + GICD_IPRIORITYR + intid);
	*prio = PRIO;
	volatile uint64_t *route = a64_kva(A64_GICD_PA + GICD_IROUTER + intid * 8ull);
	*route = core & 0xffu;
}

void a64_gic_spi_mask(uint32_t intid)
{
	*reg32(A64_GICD_PA + GICD_ICENABLER + (intid / 32) * 4) = 1u << (intid % 32);
	dist_wait();
}

void plat_irq_unmask(uint32_t irq)
{
	*reg32(A64_GICD_PA + GICD_ISENABLER + (irq / 32) * 4) = 1u << (irq % 32);
}
