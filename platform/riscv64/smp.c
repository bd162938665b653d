/* Cores and harts: core n of the manifest runs on hart n (the hart with
 * DTB cpu reg n, as platform/common/dtb.c checks on every arch). Secondary harts are
 * started with SBI HSM hart_start, woken with SBI IPI send_ipi, and idle in
 * wfi with sstatus.SIE = 0: a pending enabled interrupt ends wfi without
 * trapping (priv spec v1.12 §3.3.3), and plat_idle then polls sip. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/halt.h>
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/sbi.h>

extern char rv_secondary_entry[];

struct rv_cpu rv_cpus[TESS_MAX_CORES];
/* rv_kernel_trap runs on these, so even a kernel stack overflow (into the
 * unmapped guard page below each stack, mmu_kernel.c) gets its dump. */
static uint8_t panic_stacks[TESS_MAX_CORES + 1][4096] __attribute__((aligned(16)));
/* The boot hart when the manifest does not use it: it boots the system as
 * "core 0" (plat_core_id during kern_boot) but must not share core 0's
 * state with hart 0, which it starts before it parks. */
static struct rv_cpu spare_cpu;
volatile uint64_t rv_load_gen = 1;
static volatile bool started[TESS_MAX_CORES];

bool arch_core_started(unsigned core)
{
	return core < TESS_MAX_CORES && started[core];
}

unsigned plat_core_id(void)
{
	return rv_this_cpu()->core;
}

void *plat_pa_to_kva(uint64_t pa)
{
	return rv_kva(pa);
}

void plat_ipi(unsigned core)
{
	if (core < TESS_MAX_CORES && started[core])
		sbi_send_ipi_one(rv_cpus[core].hartid);
}

void plat_idle(unsigned core)
{
	__asm__ volatile("fence rw, rw\n wfi" ::: "memory");
	if (tess_halting)
		rv_park();
	unsigned long pending = csr_read(sip);
	if (pending & SIP_SSIP)
		csr_clear(sip, SIP_SSIP);
	if (pending & SIP_STIP)
		rv_tick(core);
	if (pending & SIP_SEIP) {
		uint32_t irq;
		while ((irq = rv_plic_claim_mask(core)) != 0)
			kern_irq(core, irq);
	}
}

long rv_senvcfg_write(unsigned long v); /* vectors.S */

/* What U-mode may reach on this hart, set explicitly on every hart (the
 * reset values are UNSPECIFIED, priv spec v1.12; docs/riscv64.md "U-mode's
 * view"):
 * - sstatus (§4.1.1): SIE=0, the kernel takes no interrupts; SUM=0, the
 *   kernel never reaches shard memory through U mappings (§4.1.1.2);
 *   MXR=0, no loads from execute-only pages; UBE=0, U-mode is little
 *   endian (§3.1.6.4); VS=0, the vector unit is off (its state is not
 *   saved per shard, so V instructions trap). FS is per shard (fpu.c).
 * - scounteren (§4.1.5) = 0: CY=TM=IR=HPMn=0, U-mode reads of cycle, time,
 *   instret and the hpmcounters trap. The clock of the ABI is
 *   TESS_SYS_TIME, and no shard gets a cycle-grained timer for
 *   cache-timing side channels (as on aarch64).
 * - senvcfg (§4.1.10) = 0: CBZE=CBCFE=0, CBIE=00, the cache-block
 *   instructions (cbo.zero/clean/flush/inval) trap in U-mode (cbo.inval
 *   could discard another party's writes); FIOM=0. A hart before priv
 *   1.12 has no senvcfg and no such instructions. */
static void user_defaults(void)
{
	csr_clear(sstatus, SSTATUS_SIE | SSTATUS_SUM | SSTATUS_MXR | SSTATUS_UBE | SSTATUS_VS);
	csr_write(scounteren, 0);
	(void)rv_senvcfg_write(0);
}

/* Everything a core needs before kern_core_main, on its own hart. */
void rv_cpu_setup(unsigned core, unsigned long hartid)
{
	struct rv_cpu *cpu = core < TESS_MAX_CORES ? &rv_cpus[core] : &spare_cpu;
	cpu->core = core < TESS_MAX_CORES ? core : 0;
	cpu->hartid = hartid;
	cpu->parked = 0;
	unsigned ps = core < TESS_MAX_CORES ? core : TESS_MAX_CORES;
	cpu->panic_sp = (uint64_t)(uintptr_t)(panic_stacks[ps] + sizeof(panic_stacks[ps]));
	__asm__ volatile("mv tp, %0" ::"r"(cpu));
	user_defaults();
}

void rv_cpu_go(unsigned core)
{
	struct rv_cpu *cpu = &rv_cpus[core];
	started[core] = true;
	rv_plic_init_core(core);
	cpu->next_tick = csr_read(time);
	rv_timer_arm_next();
	csr_write(sie, SIP_SSIP | SIP_STIP | SIP_SEIP);
	kern_core_main(core);
}

void plat_core_start(unsigned core)
{
	if (core >= TESS_MAX_CORES || core >= rv_board.nharts || started[core])
		return;
	rv_cpus[core].hartid = core;
	started[core] = true;
	long err = sbi_hart_start(core, rv_kpa(rv_secondary_entry), core);
	if (err)
		kern_log("riscv: SBI hart_start of hart %u failed: %ld", core, err);
}

void rv_secondary_main(unsigned long hartid, unsigned long core)
{
	rv_cpu_setup((unsigned)core, hartid);
	rv_mmu_kernel_switch();
	rv_cpu_go((unsigned)core);
}
