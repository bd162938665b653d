/* What the example shards fault_sysreg and fp_check (shards/examples/) try
 * in U-mode. Not part of the shard ABI.
 *
 * tess_probe_sysregs[i] (NULL-terminated) names what
 * tess_probe_sysreg_run(i) does: one access to per-hart state a shard must
 * not reach; each must raise an illegal-instruction exception (scause 2:
 * FAULT_UNDEF), by the defaults smp.c sets (user_defaults) or because it is
 * an S-mode CSR or instruction (priv spec v1.12 §2.1, §4.1). Not here:
 * rdtime. scounteren.TM is 0 too, but the trap goes to M-mode first, and
 * OpenSBI answers time reads for U-mode without looking at scounteren
 * (lib/sbi/sbi_emulate_csr.c), so under OpenSBI the time CSR stays
 * readable (docs/riscv64.md "U-mode's view"). */
#include <stddef.h>
#include <stdint.h>

const char *const tess_probe_sysregs[] = {
	"rdcycle",			/* scounteren.CY = 0 */
	"rdinstret",			/* scounteren.IR = 0 */
	"csrw sie (interrupt enables)", /* an S-mode CSR */
	"csrw stvec",			/* ditto */
	"csrr sstatus",			/* ditto */
	"cbo.inval (cache block)",	/* senvcfg.CBIE = 00 */
	"sfence.vma (TLB maintenance)", /* S-mode instruction */
	NULL,
};

void tess_probe_sysreg_run(unsigned i)
{
	uint64_t v = 0, line[8] __attribute__((aligned(64))) = {0};

	switch (i) {
	case 0:
		__asm__ volatile("csrr %0, cycle" : "=r"(v));
		break;
	case 1:
		__asm__ volatile("csrr %0, instret" : "=r"(v));
		break;
	case 2:
		__asm__ volatile("csrw sie, zero");
		break;
	case 3:
		__asm__ volatile("csrw stvec, zero");
		break;
	case 4:
		__asm__ volatile("csrr %0, sstatus" : "=r"(v));
		break;
	case 5:
		/* cbo.inval (a0): MISC-MEM, funct3 2, imm 0 (Zicbom); clang 14
		 * has no mnemonic for it. */
		__asm__ volatile("mv a0, %0\n .word 0x0005200f" ::"r"(line) : "a0", "memory");
		break;
	case 6:
		__asm__ volatile("sfence.vma" ::: "memory");
		break;
	}
	(void)v;
}

/* The thread register (tp, x4) is a general register, saved per shard
 * with the others (vectors.S); fp_check checks it across its yields. */
void tess_probe_tp_set(uint64_t v)
{
	__asm__ volatile("mv tp, %0" ::"r"(v));
}

uint64_t tess_probe_tp_get(void)
{
	uint64_t v;
	__asm__ volatile("mv %0, tp" : "=r"(v));
	return v;
}
