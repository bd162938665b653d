/* Boot flow of the riscv64 platform. Boot hart (core 0): kernel page table,
 * console, device tree, PLIC, timer, kern_boot, then the other cores via
 * SBI HSM, then kern_core_main(0). See docs/riscv64.md. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/sbi.h>

extern char _start[];
bool rv_asid_flush;

/* ASIDLEN is WARL (priv spec v1.12 §4.1.11): write all ones, read back.
 * Too few ASID bits for our shards: flush the TLB on every switch. */
static void probe_asid(void)
{
	uint64_t root = SATP_SV39 | (rv_kpa(rv_kernel_root) >> 12);
	csr_write(satp, root | (SATP_ASID_MASK << SATP_ASID_SHIFT));
	uint64_t asids = ((csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK) + 1;
	csr_write(satp, root);
	rv_sfence_all();
	rv_asid_flush = asids <= tess_system.nshards;
}

void rv_boot_main(unsigned long hartid, uint64_t dtb_pa)
{
	rv_cpu_setup(0, hartid);
	rv_mmu_kernel_init();
	rv_mmu_kernel_switch();
	rv_uart_init(tess_system.console_pa);
	kern_log("riscv64: %s, kernel at 0x%lx, dtb at 0x%lx, boot hart %lu, %u cores", tess_system.name,
		 (unsigned long)rv_kpa(_start), (unsigned long)dtb_pa, hartid, (unsigned)tess_system.ncores);
	probe_asid();
	if (rv_dtb_parse(dtb_pa, hartid) < 0 || rv_plat_image_check() < 0)
		goto refuse;
	if (rv_board.nharts < tess_system.ncores) {
		kern_log("riscv: manifest wants %u cores, the machine has %u harts",
			 (unsigned)tess_system.ncores, rv_board.nharts);
		goto refuse;
	}
	if (rv_plic_init() < 0)
		goto refuse;
	rv_timer_init();
	if (kern_boot() < 0)
		plat_halt_all();
	for (unsigned c = 1; c < tess_system.ncores; c++)
		plat_core_start(c);
	rv_cpu_go(0);
refuse:
	kern_log("boot: refusing to start shards");
	plat_halt_all();
}
