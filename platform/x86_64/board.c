/* Boot-time check that the machine matches the board file the image was
 * planned for -- platform/common/dtb.c's job on the device-tree targets.
 * microvm has no device tree, so: RAM against the PVH memory map (pvh.c),
 * cores and interrupt controllers against the ACPI MADT (acpi.c), and the
 * other devices by probing them where the board file says they are: a
 * 16550's scratch register, a virtio-mmio transport's magic value
 * (virtio 1.2 §4.2.2). Every difference is printed ("kern| board: ...");
 * any stops the boot before a shard runs. */
#include <stdbool.h>
#include <kern/kern.h>
#include <plat/board.h>
#include <x86/plat.h>
#include <x86/regs.h>

#define UART_SCR	  7
#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */
#define PORT_SPACE	  0x10000

static bool is(const struct tess_board_dev *d, const char *compat)
{
	const char *a = d->compatible ? d->compatible : "";
	while (*a && *a == *compat) {
		a++;
		compat++;
	}
	return *a == *compat;
}

static int check_ram(void)
{
	uint64_t lo = tess_board.ram_pa, hi = lo + tess_board.ram_size;
	if (!x86_board.nram) {
		kern_log("board: the boot loader passed no memory map (PVH start info before version 1)");
		return -1;
	}
	if (hi > X86_RAM_LIMIT) {
		kern_log("board: RAM 0x%lx-0x%lx reaches beyond the kernel's 1 GiB map", (unsigned long)lo,
			 (unsigned long)hi);
		return -1;
	}
	for (unsigned i = 0; i < x86_board.nram; i++)
		if (x86_board.ram[i].pa <= lo && hi <= x86_board.ram[i].pa + x86_board.ram[i].size)
			return 0;
	kern_log("board: RAM 0x%lx-0x%lx is not inside any RAM range of the PVH memory map",
		 (unsigned long)lo, (unsigned long)hi);
	return -1;
}

/* 0: there; -1: logged why not. */
static int check_dev(const struct tess_board_dev *d)
{
	const char *compat = d->compatible ? d->compatible : "any compatible";
	if (is(d, "qemu,ioapic")) {
		for (unsigned i = 0; i < x86_board.nioapics; i++)
			if (x86_board.ioapic[i].pa == d->pa)
				return 0;
		kern_log("board: device %s (%s) at 0x%lx: not in the ACPI MADT", d->name, compat,
			 (unsigned long)d->pa);
		return -1;
	}
	if (is(d, "ns16550a") && d->pa + d->size <= PORT_SPACE) {
		uint16_t scr = (uint16_t)(d->pa + UART_SCR);
		outb(scr, 0x5a);
		if (inb(scr) == 0x5a) {
			outb(scr, 0xa5);
			if (inb(scr) == 0xa5)
				return 0;
		}
		kern_log("board: device %s (%s) at port 0x%lx: no 16550 answers there", d->name, compat,
			 (unsigned long)d->pa);
		return -1;
	}
	if ((is(d, "qemu,virtio-mmio") || is(d, "virtio,mmio")) && d->pa >= X86_DEV_BASE &&
	    d->pa + d->size <= 0x100000000ull) {
		if (*(volatile uint32_t *)x86_kva(d->pa) == VIRTIO_MMIO_MAGIC)
			return 0;
		kern_log("board: device %s (%s) at 0x%lx: no virtio-mmio transport there", d->name, compat,
			 (unsigned long)d->pa);
		return -1;
	}
	/* Nothing on x86 describes it (no device tree): taken on trust. */
	return 0;
}

static int check_cpus(void)
{
	int problems = 0;
	for (unsigned c = 0; c < tess_board.ncores; c++) {
		bool found = false;
		for (unsigned i = 0; i < x86_board.ncpus && !found; i++)
			found = x86_board.cpu[i].enabled && x86_board.cpu[i].apic_id == c;
		if (!found) {
			kern_log("board: manifest uses core %u, the ACPI MADT has no enabled CPU with APIC "
				 "ID %u",
				 c, c);
			problems++;
		}
	}
	return problems ? -1 : 0;
}

int x86_board_check(void)
{
	int problems = check_ram() < 0;
	for (unsigned i = 0; i < tess_board.ndevs; i++)
		problems += check_dev(&tess_board.devs[i]) < 0;
	problems += check_cpus() < 0;
	if (problems)
		return -1;
	kern_log("board: RAM, %u devices and %u cores match board %s (PVH memory map, ACPI MADT: %u CPUs, %u "
		 "IOAPICs; cores start via INIT-SIPI-SIPI)",
		 tess_board.ndevs, tess_board.ncores, tess_board.name, x86_board.ncpus, x86_board.nioapics);
	return 0;
}
