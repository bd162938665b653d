/* The ACPI tables the firmware leaves (ACPI 6.4): RSDP (§5.2.5; from the
 * PVH start info, else found by its signature in the BIOS area, §5.2.5.1),
 * the XSDT or RSDT (§5.2.7-8) and the MADT (§5.2.12): local APIC address,
 * CPUs (Processor Local APIC and Local x2APIC structures), I/O APICs and
 * interrupt source overrides. Every table's checksum is verified. microvm
 * has no device tree: this, the PVH memory map and probing the devices
 * themselves are what board.c checks the board file against. */
#include <stdbool.h>
#include <kern/kern.h>
#include <x86/plat.h>

#define MADT_LAPIC	    0
#define MADT_IOAPIC	    1
#define MADT_ISO	    2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC	    9
#define MADT_PCAT_COMPAT    1u /* MADT flags: dual 8259s present */
#define LAPIC_ENABLED	    1u
#define IOAPIC_VER	    1 /* IOAPIC register: bits 23:16 = max redirection entry */

static uint32_t le(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le(p + 4, 4) << 32 | le(p, 4);
}

static bool sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s == 0;
}

/* A table of `len` bytes at `pa` that the kernel map reaches, or NULL. */
static const uint8_t *at(uint64_t pa, uint64_t len)
{
	return pa && len && pa + len <= X86_RAM_LIMIT ? x86_kva(pa) : 0;
}

static bool sig(const uint8_t *p, const char *s)
{
	for (unsigned i = 0; s[i]; i++)
		if (p[i] != (uint8_t)s[i])
			return false;
	return true;
}

static uint64_t find_rsdp(void)
{
	if (x86_board.rsdp_pa)
		return x86_board.rsdp_pa;
	for (uint64_t pa = 0xe0000; pa < 0x100000; pa += 16)
		if (sig(x86_kva(pa), "RSD PTR ") && sum_ok(x86_kva(pa), 20))
			return pa;
	return 0;
}

/* A system description table (header §5.2.6) with a valid checksum. */
static const uint8_t *table(uint64_t pa)
{
	const uint8_t *h = at(pa, 36);
	if (!h)
		return 0;
	uint32_t len = le(h + 4, 4);
	const uint8_t *t = at(pa, len);
	return t && len >= 36 && sum_ok(t, len) ? t : 0;
}

static const uint8_t *find_madt(void)
{
	uint64_t rsdp_pa = find_rsdp();
	const uint8_t *r = at(rsdp_pa, 36);
	if (!r || !sig(r, "RSD PTR ") || !sum_ok(r, 20)) {
		kern_log("acpi: no RSDP (PVH start info: 0x%lx)", (unsigned long)x86_board.rsdp_pa);
		return 0;
	}
	bool x = r[15] >= 2 && sum_ok(r, le(r + 20, 4) < 36 ? 36 : le(r + 20, 4)) && le64(r + 24);
	const uint8_t *sdt = table(x ? le64(r + 24) : le(r + 16, 4));
	if (!sdt || !sig(sdt, x ? "XSDT" : "RSDT")) {
		kern_log("acpi: no valid %s", x ? "XSDT" : "RSDT");
		return 0;
	}
	unsigned step = x ? 8 : 4;
	for (uint32_t off = 36; off + step <= le(sdt + 4, 4); off += step) {
		const uint8_t *t = table(x ? le64(sdt + off) : le(sdt + off, 4));
		if (t && sig(t, "APIC"))
			return t;
	}
	kern_log("acpi: no MADT (APIC table) in the %s", x ? "XSDT" : "RSDT");
	return 0;
}

static void add_cpu(uint32_t apic_id, uint32_t flags)
{
	for (unsigned i = 0; i < x86_board.ncpus; i++)
		if (x86_board.cpu[i].apic_id == apic_id)
			return;
	if (x86_board.ncpus < X86_MAX_CPUS) {
		x86_board.cpu[x86_board.ncpus].apic_id = apic_id;
		x86_board.cpu[x86_board.ncpus].enabled = flags & LAPIC_ENABLED;
		x86_board.ncpus++;
	}
}

static uint32_t ioapic_pins(uint64_t pa)
{
	volatile uint32_t *io = x86_kva(pa);
	io[0] = IOAPIC_VER; /* IOREGSEL, then IOWIN at +0x10 (82093AA §3.1) */
	return ((io[4] >> 16) & 0xff) + 1;
}

int x86_acpi_parse(void)
{
	const uint8_t *m = find_madt();
	if (!m)
		return -1;
	x86_board.lapic_pa = le(m + 36, 4);
	x86_board.pic = le(m + 40, 4) & MADT_PCAT_COMPAT;
	uint32_t len = le(m + 4, 4);
	for (uint32_t off = 44; off + 2 <= len && m[off + 1] >= 2 && off + m[off + 1] <= len;
	     off += m[off + 1]) {
		const uint8_t *e = m + off;
		switch (e[0]) {
		case MADT_LAPIC:
			add_cpu(e[3], le(e + 4, 4));
			break;
		case MADT_X2APIC:
			add_cpu(le(e + 4, 4), le(e + 8, 4));
			break;
		case MADT_LAPIC_OVERRIDE:
			x86_board.lapic_pa = le64(e + 4);
			break;
		case MADT_IOAPIC:
			if (x86_board.nioapics < X86_MAX_IOAPICS) {
				x86_board.ioapic[x86_board.nioapics].pa = le(e + 4, 4);
				x86_board.ioapic[x86_board.nioapics].gsi_base = le(e + 8, 4);
				x86_board.nioapics++;
			}
			break;
		case MADT_ISO:
			if (x86_board.niso < X86_MAX_ISO) {
				x86_board.iso[x86_board.niso].source = e[3];
				x86_board.iso[x86_board.niso].gsi = le(e + 4, 4);
				x86_board.iso[x86_board.niso].flags = (uint16_t)le(e + 8, 2);
				x86_board.niso++;
			}
			break;
		default:
			break;
		}
	}
	for (unsigned i = 0; i < x86_board.nioapics; i++)
		x86_board.ioapic[i].pins =
			x86_board.ioapic[i].pa >= X86_DEV_BASE ? ioapic_pins(x86_board.ioapic[i].pa) : 0;
	return 0;
}
