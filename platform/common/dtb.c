/* Boot-time check that the device tree the firmware (or QEMU) passed
 * matches the board file the image was planned for: RAM, the devices the
 * manifest uses, the cores. Every difference is printed; any difference
 * stops the boot before a shard runs. Uses libfdt (Devicetree spec v0.4:
 * 2.3.4 status, 2.3.6 reg, 3.4 /memory, 3.7-3.8 /cpus). Arch-neutral: how
 * the other cores are started (PSCI on aarch64, SBI HSM on riscv64) is
 * asked of the platform through plat_dtb_core_start (plat/board.h). */
#include <stdbool.h>
#include <stdint.h>
#include <libfdt.h>
#include <kern/kern.h>
#include <plat/board.h>

/* The i-th (address, size) pair of `node`'s reg, in the parent's cells. */
static int reg_at(const void *fdt, int node, int i, uint64_t *pa, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 1;
	int len;
	const fdt32_t *r = fdt_getprop(fdt, node, "reg", &len);
	if (!r || ac < 1 || ac > 2 || sc < 0 || sc > 2 || len < (i + 1) * (ac + sc) * 4)
		return -1;
	r += i * (ac + sc);
	*pa = fdt32_to_cpu(r[0]);
	if (ac == 2)
		*pa = *pa << 32 | fdt32_to_cpu(r[1]);
	*size = 0;
	for (int k = 0; k < sc; k++)
		*size = *size << 32 | fdt32_to_cpu(r[ac + k]);
	return 0;
}

static int check_ram(const void *fdt)
{
	uint64_t lo = tess_board.ram_pa, hi = lo + tess_board.ram_size;
	int node = -1;
	while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) >= 0) {
		uint64_t pa, size;
		for (int i = 0; reg_at(fdt, node, i, &pa, &size) == 0; i++)
			if (pa <= lo && hi <= pa + size)
				return 0;
	}
	kern_log("dtb: board RAM 0x%lx-0x%lx is not inside any /memory range of the DTB", (unsigned long)lo,
		 (unsigned long)hi);
	return -1;
}

/* Next node after `node` that may be `d`: by compatible string, or any
 * node when the board file names none (then only the address decides). */
static int next_candidate(const void *fdt, int node, const struct tess_board_dev *d)
{
	if (d->compatible)
		return fdt_node_offset_by_compatible(fdt, node, d->compatible);
	return fdt_next_node(fdt, node, NULL);
}

static int check_dev(const void *fdt, const struct tess_board_dev *d)
{
	int node = -1, seen = 0;
	uint64_t first_pa = 0;
	const char *compat = d->compatible ? d->compatible : "any compatible";
	while ((node = next_candidate(fdt, node, d)) >= 0) {
		uint64_t pa, size;
		if (reg_at(fdt, node, 0, &pa, &size) < 0)
			continue;
		if (pa == d->pa && size >= d->size)
			return 0;
		if (!seen++)
			first_pa = pa;
	}
	if (seen && d->compatible)
		kern_log("dtb: device %s (%s): board file says 0x%lx, DTB has it at 0x%lx", d->name, compat,
			 (unsigned long)d->pa, (unsigned long)first_pa);
	else
		kern_log("dtb: device %s (%s) at 0x%lx: not in the DTB", d->name, compat,
			 (unsigned long)d->pa);
	return -1;
}

/* A cpu node we could start: status absent or "okay" (spec 2.3.4). */
static bool cpu_enabled(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);
	return !status || status[0] == 'o';
}

/* Core n of the manifest is the enabled CPU whose reg is n (MPIDR affinity
 * on aarch64, hart id on riscv64). */
static int check_cpus(const void *fdt)
{
	int problems = 0;
	for (unsigned c = 0; c < tess_board.ncores; c++) {
		int node = -1;
		bool found = false;
		while (!found &&
		       (node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "cpu", 4)) >= 0) {
			uint64_t id, unused;
			found = cpu_enabled(fdt, node) && reg_at(fdt, node, 0, &id, &unused) == 0 && id == c;
		}
		if (!found) {
			kern_log("dtb: manifest uses core %u, the DTB has no cpu with reg %u", c, c);
			problems++;
		}
	}
	return problems ? -1 : 0;
}

int tess_dtb_check(const void *fdt)
{
	int err = fdt_check_header(fdt);
	if (err) {
		kern_log("dtb: no valid device tree (%s)", fdt_strerror(err));
		return -1;
	}
	int problems = check_ram(fdt) < 0;
	for (unsigned i = 0; i < tess_board.ndevs; i++)
		problems += check_dev(fdt, &tess_board.devs[i]) < 0;
	problems += check_cpus(fdt) < 0;
	const char *start = plat_dtb_core_start(fdt, tess_board.ncores);
	problems += !start;
	if (problems)
		return -1;
	kern_log("dtb: RAM, %u devices and %u cores match board %s (cores start via %s)", tess_board.ndevs,
		 tess_board.ncores, tess_board.name, start);
	return 0;
}
