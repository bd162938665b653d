/* Boot flow of the riscv64 platform. Boot hart (any, see rv_boot_main):
 * kernel page table, console, SBI and device tree (platform data, then the
 * board check of platform/common/dtb.c), timer, image check, PLIC,
 * kern_boot, hot reload, then the other cores via SBI HSM, then
 * kern_core_main. See docs/riscv64.md. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/board.h>
#include <plat/console_rx.h>
#include <plat/load.h>
#include <plat/selftest.h>
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

/* The SBI extensions the platform relies on (SBI v1.0.0 §4.4 probe). */
static int sbi_check(unsigned ncores)
{
	static const struct {
		long eid;
		const char *name;
	} need[] = {{SBI_EXT_TIME, "TIME"}, {SBI_EXT_IPI, "IPI"}, {SBI_EXT_HSM, "HSM"}};
	int bad = 0;
	for (unsigned i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if ((need[i].eid != SBI_EXT_HSM || ncores > 1) && !sbi_probe(need[i].eid)) {
			kern_log("riscv: the SBI firmware lacks the %s extension", need[i].name);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* Hot reload (platform/common/console_rx.c): the console RX interrupt to
 * core 0, which feeds the frames to kern/reload (plic.c); its tick polls
 * (timer.c). */
int arch_console_rx_start(unsigned irq)
{
	if (rv_plic_route_console(irq) < 0)
		return -1;
	rv_uart_rx_enable();
	return 0;
}

/* OpenSBI picks the boot hart by lottery, so it may be any hart. It runs
 * kern_boot as core `hartid` (or as core 0 if the manifest does not use its
 * hart), starts every other core's hart, and then either becomes its own
 * core or parks. */
void rv_boot_main(unsigned long hartid, uint64_t dtb_pa)
{
	unsigned ncores = tess_system.ncores;
	bool mine = hartid < ncores;
	unsigned core = mine ? (unsigned)hartid : 0;

	rv_timer_mark_boot();
	rv_cpu_setup(mine ? core : TESS_MAX_CORES, hartid);
	rv_mmu_kernel_init();
	rv_mmu_kernel_switch();
	rv_uart_init(tess_system.console_pa);
	kern_log("riscv64: %s, kernel at 0x%lx, dtb at 0x%lx, boot hart %lu, %u cores", tess_system.name,
		 (unsigned long)rv_kpa(_start), (unsigned long)dtb_pa, hartid, ncores);
	probe_asid();
	if (sbi_check(ncores) < 0 || rv_dtb_check(dtb_pa, ncores) < 0)
		goto refuse;
	rv_timer_init(); /* the timebase is known: console stamps from here on */
	kern_log("dtb: timebase %lu Hz, %u harts, PLIC at 0x%lx", (unsigned long)rv_board.timebase_hz,
		 rv_board.nharts, (unsigned long)rv_board.plic_pa);
	if (plat_image_check() < 0 || rv_plic_init() < 0)
		goto refuse;
	if (kern_boot() < 0)
		plat_halt_all();
	plat_reload_start();
	for (unsigned c = 0; c < ncores; c++)
		if (!mine || c != core)
			plat_core_start(c);
	plat_selftest();
	if (!mine)
		rv_park();
	rv_cpu_go(core);
refuse:
	kern_log("boot: refusing to start shards");
	plat_halt_all();
}
