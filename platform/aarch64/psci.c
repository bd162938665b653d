/* PSCI (Arm DEN0022): CPU_ON through the conduit the DTB's /psci node
 * names ("hvc" on QEMU virt without EL2/EL3 firmware, "smc" otherwise;
 * Linux Documentation/devicetree/bindings/arm/psci.yaml "method"). */
#include <stdbool.h>
#include <stdint.h>
#include <libfdt.h>
#include <arch/a64.h>
#include <kern/kern.h>
#include <plat/board.h>

#define PSCI_CPU_ON_64 0xc4000003ull /* DEN0022 5.1.4, SMC64 calling convention */

static bool use_smc;

/* platform/common/dtb.c's hook: the conduit from /psci "method". One core
 * needs no PSCI at all, so a missing node only matters for more. */
const char *plat_dtb_core_start(const void *fdt, unsigned ncores)
{
	int psci = fdt_path_offset(fdt, "/psci");
	const char *method = psci >= 0 ? fdt_getprop(fdt, psci, "method", NULL) : NULL;
	use_smc = method && method[0] == 's';
	if (!method && ncores > 1) {
		kern_log("dtb: no /psci method: cannot start secondary cores");
		return NULL;
	}
	return use_smc ? "psci smc" : "psci hvc";
}

int a64_psci_cpu_on(unsigned core, uint64_t entry_pa)
{
	uint64_t r = use_smc ? a64_psci_smc(PSCI_CPU_ON_64, core, entry_pa, core)
			     : a64_psci_hvc(PSCI_CPU_ON_64, core, entry_pa, core);
	return (int64_t)r == 0 ? 0 : -1;
}
