/* What the example shards fault_sysreg and fp_check (shards/examples/) try
 * at EL0. Not part of the shard ABI.
 *
 * tess_probe_sysregs[i] (NULL-terminated) names what
 * tess_probe_sysreg_run(i) does: one access to per-core state a shard must
 * not reach; each must trap to EL1 (ESR EC 0x18 or 0x00: FAULT_UNDEF), by the
 * register defaults boot.S sets (el1_defaults, SCTLR_EL1). Not here: the
 * debug channel (MDSCR_EL1.TDCC=1 makes EL0 DCC access trap on hardware;
 * QEMU 7.2 does not model the trap). */
#include <stddef.h>
#include <stdint.h>

const char *const tess_probe_sysregs[] = {
	"msr cntv_ctl_el0 (stop the tick)", /* CNTKCTL_EL1.EL0VTEN = 0 */
	"msr cntv_cval_el0",		    /* ditto */
	"msr cntp_ctl_el0",		    /* CNTKCTL_EL1.EL0PTEN = 0 */
	"mrs cntvct_el0 (counter)",	    /* CNTKCTL_EL1.EL0VCTEN = 0 */
	"mrs cntfrq_el0",		    /* EL0VCTEN = EL0PCTEN = 0 */
	"mrs pmccntr_el0 (cycle counter)",  /* PMUSERENR_EL0.EN = 0 */
	"mrs ctr_el0",			    /* SCTLR_EL1.UCT = 0 */
	"dc civac (cache maintenance)",	    /* SCTLR_EL1.UCI = 0 */
	"dc zva",			    /* SCTLR_EL1.DZE = 0 */
	"msr daifset (mask interrupts)",    /* SCTLR_EL1.UMA = 0 */
	"mrs sctlr_el1 (an EL1 register)",  /* UNDEFINED at EL0 */
	NULL,
};

void tess_probe_sysreg_run(unsigned i)
{
	uint64_t v = 0, line[8] __attribute__((aligned(64))) = {0};

	switch (i) {
	case 0:
		__asm__ volatile("msr cntv_ctl_el0, xzr");
		break;
	case 1:
		__asm__ volatile("msr cntv_cval_el0, xzr");
		break;
	case 2:
		__asm__ volatile("msr cntp_ctl_el0, xzr");
		break;
	case 3:
		__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
		break;
	case 4:
		__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
		break;
	case 5:
		__asm__ volatile("mrs %0, pmccntr_el0" : "=r"(v));
		break;
	case 6:
		__asm__ volatile("mrs %0, ctr_el0" : "=r"(v));
		break;
	case 7:
		__asm__ volatile("dc civac, %0" ::"r"(line) : "memory");
		break;
	case 8:
		__asm__ volatile("dc zva, %0" ::"r"(line) : "memory");
		break;
	case 9:
		__asm__ volatile("msr daifset, #2");
		break;
	case 10:
		__asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
		break;
	}
	(void)v;
}

/* The thread register EL0 may write freely (TPIDR_EL0), which the kernel
 * must keep per shard (arch_ctx): fp_check sets it and checks it across
 * its yields. */
void tess_probe_tp_set(uint64_t v)
{
	__asm__ volatile("msr tpidr_el0, %0" ::"r"(v));
}

uint64_t tess_probe_tp_get(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
	return v;
}
