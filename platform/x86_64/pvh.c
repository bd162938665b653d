/* What the boot loader hands the kernel in EBX: struct hvm_start_info, the
 * x86/HVM direct boot ABI of Xen's xen/include/public/arch-x86/hvm/
 * start_info.h (version 1: a memory map; QEMU's firmware fills it from its
 * E820 table). Copied out at once: the low memory it lives in is reused
 * (smp.c's trampoline). */
#include <kern/kern.h>
#include <x86/plat.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578
#define XEN_HVM_MEMMAP_TYPE_RAM	  1

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries, reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

struct x86_board x86_board;

int x86_pvh_parse(uint64_t pa)
{
	if (!pa || pa + sizeof(struct hvm_start_info) > X86_RAM_LIMIT) {
		kern_log("boot: no PVH start info (ebx = 0x%lx): not entered through the PVH note?",
			 (unsigned long)pa);
		return -1;
	}
	const struct hvm_start_info *si = x86_kva(pa);
	if (si->magic != XEN_HVM_START_MAGIC_VALUE) {
		kern_log("boot: PVH start info at 0x%lx has magic 0x%x, not 0x%x", (unsigned long)pa,
			 si->magic, XEN_HVM_START_MAGIC_VALUE);
		return -1;
	}
	x86_board.rsdp_pa = si->rsdp_paddr;
	x86_board.nram = 0;
	if (si->version < 1 || !si->memmap_paddr ||
	    si->memmap_paddr + (uint64_t)si->memmap_entries * sizeof(struct hvm_memmap_table_entry) >
		    X86_RAM_LIMIT)
		return 0; /* no map: the board check says so */
	const struct hvm_memmap_table_entry *e = x86_kva(si->memmap_paddr);
	for (uint32_t i = 0; i < si->memmap_entries && x86_board.nram < X86_MAX_RAM; i++) {
		if (e[i].type != XEN_HVM_MEMMAP_TYPE_RAM || !e[i].size)
			continue;
		x86_board.ram[x86_board.nram].pa = e[i].addr;
		x86_board.ram[x86_board.nram].size = e[i].size;
		x86_board.nram++;
	}
	return 0;
}
