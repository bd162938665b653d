/* What the riscv64 platform takes from the device tree OpenSBI passes in a1
 * (Devicetree Specification v0.4 §3.7-3.8 for /cpus; the RISC-V CPU and
 * PLIC bindings in Linux Documentation/devicetree/bindings): the timebase,
 * the hart ids (boot hart first = core 0, then ascending), and for each
 * core the PLIC context wired to its S-mode external interrupt (cause 9 in
 * the PLIC's interrupts-extended list). */
#include <libfdt.h>
#include <kern/kern.h>
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
	const char *type = fdt_getprop(fdt, node, "device_type", &len);
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	const char *status = fdt_getprop(fdt, node, "status", NULL);
	if (!type || len < 4 || !reg || (status && status[0] != 'o'))
		return -1;
	*hartid = (unsigned long)read_cells(reg, len >= 8 ? 2 : 1);
	return 0;
}

static int harts(const void *fdt, unsigned long boot_hart)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, len;
	if (cpus < 0)
		return -1;
	const fdt32_t *tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (!tb || (len != 4 && len != 8))
		return -1;
	rv_board.timebase_hz = read_cells(tb, len / 4);
	rv_board.harts[0] = boot_hart;
	rv_board.nharts = 1;
	/* Others in ascending hart id: selection by repeated minimum. */
	unsigned long last = 0;
	bool first = true;
	for (;;) {
		unsigned long best = ~0ul, id;
		fdt_for_each_subnode(node, fdt, cpus)
		{
			if (cpu_hartid(fdt, node, &id) == 0 && id != boot_hart && (first || id > last) &&
			    id < best)
				best = id;
		}
		if (best == ~0ul || rv_board.nharts == TESS_MAX_CORES)
			return 0;
		rv_board.harts[rv_board.nharts++] = best;
		last = best;
		first = false;
	}
}

static int core_of_hart(unsigned long hartid)
{
	for (unsigned c = 0; c < rv_board.nharts; c++)
		if (rv_board.harts[c] == hartid)
			return (int)c;
	return -1;
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
		int core = core_of_hart(hartid);
		if (core >= 0)
			rv_board.plic_ctx[core] = ctx;
	}
}

int rv_dtb_parse(uint64_t dtb_pa, unsigned long boot_hart)
{
	const void *fdt = rv_kva(dtb_pa);
	if (!dtb_pa || fdt_check_header(fdt) != 0) {
		kern_log("riscv: no valid device tree at 0x%lx (a1)", (unsigned long)dtb_pa);
		return -1;
	}
	if (harts(fdt, boot_hart) < 0 || !rv_board.timebase_hz) {
		kern_log("riscv: device tree lacks /cpus/timebase-frequency or cpu nodes");
		return -1;
	}
	plic(fdt);
	return 0;
}
