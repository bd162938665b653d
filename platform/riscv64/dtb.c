/* What the riscv64 platform takes from the device tree OpenSBI passes in a1
 * (Devicetree Specification v0.4 §3.7-3.8 for /cpus; the RISC-V CPU and
 * PLIC bindings in Linux Documentation/devicetree/bindings): the timebase,
 * and for each core (core n = hart n) the PLIC context wired to its S-mode
 * external interrupt (cause 9 in the PLIC's interrupts-extended list).
 * RAM, devices and cores against the board file: platform/common/dtb.c. */
#include <libfdt.h>
#include <kern/kern.h>
#include <plat/board.h>
#include <rv/csr.h>
#include <rv/plat.h>

struct rv_board rv_board;

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static int cpu_hartid(const void *fdt, int node, unsigned long *hartid)
{
	int len;
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	const char *status = fdt_getprop(fdt, node, "status", NULL);
	if (!type || type[0] != 'c' || type[1] != 'p' || type[2] != 'u' || type[3] || len < 4 || !reg ||
	    (status && status[0] != 'o'))
		return -1;
	*hartid = (unsigned long)read_cells(reg, len >= 8 ? 2 : 1);
	return 0;
}

/* The timebase. That harts 0..ncores-1 exist (core n = hart n) is
 * platform/common/dtb.c's check, shared with aarch64. */
static int timebase(const void *fdt, unsigned ncores)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), len;
	if (cpus < 0) {
		kern_log("dtb: no /cpus node");
		return -1;
	}
	const fdt32_t *tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (!tb || (len != 4 && len != 8)) {
		kern_log("dtb: no /cpus/timebase-frequency");
		return -1;
	}
	rv_board.timebase_hz = read_cells(tb, len / 4);
	rv_board.nharts = ncores;
	return 0;
}

static void plic(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0"), len;
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "sifive,plic-1.0.0");
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		rv_board.plic_ctx[c] = -1;
	if (node < 0)
		return;
	int ac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node));
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	const fdt32_t *ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (!reg || !ie || ac < 1 || ac > 2)
		return;
	rv_board.plic_pa = read_cells(reg, ac);
	/* Pairs <phandle of a hart's interrupt controller, cause>. */
	for (int ctx = 0; ctx < len / 8; ctx++) {
		unsigned long hartid;
		int intc = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(ie[2 * ctx]));
		if (fdt32_to_cpu(ie[2 * ctx + 1]) != IRQ_S_EXT || intc < 0)
			continue;
		if (cpu_hartid(fdt, fdt_parent_offset(fdt, intc), &hartid) < 0)
			continue;
		if (hartid < rv_board.nharts)
			rv_board.plic_ctx[hartid] = ctx;
	}
}

int rv_dtb_parse(uint64_t dtb_pa, unsigned ncores)
{
	const void *fdt = rv_kva(dtb_pa);
	if (!dtb_pa || fdt_check_header(fdt) != 0) {
		kern_log("dtb: no valid device tree at 0x%lx (a1)", (unsigned long)dtb_pa);
		return -1;
	}
	if (timebase(fdt, ncores) < 0 || !rv_board.timebase_hz)
		return -1;
	plic(fdt);
	return 0;
}

/* platform/common/dtb.c's hook. Harts start through SBI HSM (SBI v1.0.0
 * ch. 9), not through anything in the device tree; sbi_check (main.c)
 * has already probed for HSM when there is more than one core. */
const char *plat_dtb_core_start(const void *fdt, unsigned ncores)
{
	(void)fdt;
	(void)ncores;
	return "sbi hsm";
}
