/* PSCI (Arm DEN0022): CPU_ON through the conduit the DTB's /psci node
 * names ("hvc" on QEMU virt without EL2/EL3 firmware, "smc" otherwise;
 * Linux Documentation/devicetree/bindings/arm/psci.yaml "method"). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arch/a64.h>
#include <kern/kern.h>
#include <plat/board.h>

#define PSCI_CPU_ON_64 0xc4000003ull /* DEN0022 5.1.4, SMC64 calling convention */

static bool use_smc;
static const char *method;

/* platform/common/dtb.c's walk: the conduit from /psci "method". */
int plat_dtb_node(const struct dtb_node *n)
{
	if (n->depth == 1 && !strcmp(n->name, "psci"))
		method = dtb_prop(n, "method", NULL);
	return 0;
}

/* One core needs no PSCI at all, so a missing node only matters for more. */
const char *plat_dtb_done(unsigned ncores)
{
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
