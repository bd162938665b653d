/* I/O APIC routing of granted device IRQs to the owning shard's core
 * (82093AA I/O APIC datasheet §3: IOREGSEL at +0, IOWIN at +0x10;
 * redirection entry n at registers 0x10 + 2n / 0x11 + 2n, §3.2.4). The
 * board file's IRQ numbers are GSIs (ACPI 6.4 §5.2.13); an IOAPIC serves
 * [gsi_base, gsi_base + pins) (MADT, acpi.c). Fixed delivery, physical
 * destination = the core's APIC ID, vector X86_VEC_GSI0 + GSI.
 *
 * Masking: a device IRQ is masked at its pin when it arrives (irq.c) and
 * unmasked by the owner's TESS_SYS_IRQ_ACK (plat_irq_unmask). A level
 * interrupt still asserted then is delivered again; the EOI (irq.c)
 * already cleared its Remote IRR. */
#include <stdbool.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/board.h>
#include <x86/plat.h>
#include <x86/regs.h>

#define IOAPIC_REDIR(n)	 (0x10 + 2 * (n))
#define REDIR_LOW_ACTIVE (1u << 13) /* polarity: active low */
#define REDIR_LEVEL	 (1u << 15) /* trigger mode: level */
#define REDIR_MASKED	 (1u << 16)
/* MADT interrupt source override flags (ACPI 6.4 Table 5.50). */
#define ISO_POLARITY_LOW 0x3
#define ISO_TRIGGER_MASK 0xc
#define ISO_TRIGGER_EDGE 0x4
#define ISO_TRIGGER_LVL	 0xc

static volatile uint32_t lock[X86_MAX_IOAPICS];

static bool find(uint32_t gsi, unsigned *io, unsigned *pin)
{
	for (unsigned i = 0; i < x86_board.nioapics; i++) {
		uint32_t base = x86_board.ioapic[i].gsi_base;
		if (gsi >= base && gsi < base + x86_board.ioapic[i].pins) {
			*io = i;
			*pin = gsi - base;
			return true;
		}
	}
	return false;
}

/* IOREGSEL/IOWIN is a pair: one core at a time per IOAPIC. */
static uint32_t rw(unsigned io, uint32_t reg, bool write, uint32_t v)
{
	volatile uint32_t *r = x86_kva(x86_board.ioapic[io].pa);
	while (__atomic_exchange_n(&lock[io], 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	r[0] = reg;
	if (write)
		r[4] = v;
	else
		v = r[4];
	__atomic_store_n(&lock[io], 0, __ATOMIC_RELEASE);
	return v;
}

/* Polarity and trigger: a MADT override if one names this GSI; else the
 * ISA default below 16 (edge, active high) and microvm's virtio-mmio
 * convention above (its DSDT: Interrupt(Level, ActiveHigh), QEMU
 * hw/i386/acpi-microvm.c). */
static uint32_t mode(uint32_t gsi)
{
	for (unsigned i = 0; i < x86_board.niso; i++) {
		if (x86_board.iso[i].gsi != gsi)
			continue;
		uint16_t f = x86_board.iso[i].flags;
		uint32_t m = (f & ISO_POLARITY_LOW) == ISO_POLARITY_LOW ? REDIR_LOW_ACTIVE : 0;
		if ((f & ISO_TRIGGER_MASK) == ISO_TRIGGER_LVL ||
		    ((f & ISO_TRIGGER_MASK) != ISO_TRIGGER_EDGE && gsi >= 16))
			m |= REDIR_LEVEL;
		return m;
	}
	return gsi < 16 ? 0 : REDIR_LEVEL;
}

int x86_ioapic_route(uint32_t gsi, unsigned core, uint32_t vector)
{
	unsigned io, pin;
	if (gsi >= X86_MAX_GSI || core >= TESS_MAX_CORES || !find(gsi, &io, &pin))
		return -1;
	rw(io, IOAPIC_REDIR(pin) + 1, true, x86_cpus[core].apic_id << 24);
	rw(io, IOAPIC_REDIR(pin), true, vector | mode(gsi));
	return 0;
}

void x86_ioapic_mask(uint32_t gsi, bool masked)
{
	unsigned io, pin;
	if (gsi >= X86_MAX_GSI || !find(gsi, &io, &pin))
		return;
	uint32_t low = rw(io, IOAPIC_REDIR(pin), false, 0);
	rw(io, IOAPIC_REDIR(pin), true, masked ? low | REDIR_MASKED : low & ~REDIR_MASKED);
}

void plat_irq_unmask(uint32_t irq)
{
	x86_ioapic_mask(irq, false);
}

/* Boot core: mask the legacy 8259s and every IOAPIC pin, then route each
 * granted GSI to its owner's core, unmasked. The console's GSI is the
 * kernel's (main.c arch_console_rx_start); a shard granted it is refused. */
int x86_ioapic_init(void)
{
	if (x86_board.pic) {
		outb(0x21, 0xff); /* 8259A OCW1: mask all (master, then slave) */
		outb(0xa1, 0xff);
	}
	for (unsigned io = 0; io < x86_board.nioapics; io++)
		for (unsigned pin = 0; pin < x86_board.ioapic[io].pins; pin++)
			rw(io, IOAPIC_REDIR(pin), true, REDIR_MASKED);
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		const struct tess_shard_cfg *c = &tess_system.shards[i];
		for (unsigned q = 0; q < c->nirqs; q++) {
			uint32_t gsi = c->irqs[q].irq;
			if (gsi == tess_board.console_irq ||
			    x86_ioapic_route(gsi, c->core, X86_VEC_GSI0 + gsi) < 0) {
				kern_log("x86: shard %s: irq %u cannot be routed through the IOAPICs",
					 c->name, gsi);
				return -1;
			}
		}
	}
	return 0;
}
