/* PSCI (Arm DEN0022): CPU_ON through the conduit the DTB's /psci node
 * names ("hvc" on QEMU virt without EL2/EL3 firmware, "smc" otherwise). */
#include <stdbool.h>
#include <stdint.h>
#include <arch/a64.h>

#define PSCI_CPU_ON_64 0xc4000003ull /* DEN0022 5.1.4, SMC64 calling convention */

static bool use_smc;

void a64_psci_set_conduit(bool smc)
{
	use_smc = smc;
}

int a64_psci_cpu_on(unsigned core, uint64_t entry_pa)
{
	uint64_t r = use_smc ? a64_psci_smc(PSCI_CPU_ON_64, core, entry_pa, core)
			     : a64_psci_hvc(PSCI_CPU_ON_64, core, entry_pa, core);
	return (int64_t)r == 0 ? 0 : -1;
}
