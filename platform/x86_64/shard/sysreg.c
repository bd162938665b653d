/* What the example shard fault_sysreg (shards/examples/) tries at CPL 3.
 * Not part of the shard ABI.
 *
 * tess_probe_sysregs[i] (NULL-terminated) names what
 * tess_probe_sysreg_run(i) does: one access to per-core state a shard must
 * not reach. Each must raise #GP or #UD, which platform/x86_64/trap.c
 * reports as FAULT_UNDEF, by the defaults cpu.c sets on every core
 * (docs/x86_64.md "Ring 3's view"; bits and SDM sections in
 * include/x86/regs.h) or because the instruction is CPL 0's. sgdt faults
 * only where the CPU offers UMIP (the QEMU boards' -cpu max does).
 *
 * No thread register here (fp_check's tess_probe_tp_set/get): FS.base and
 * GS.base are out of a shard's reach (the rd/wr*base probes below; WRMSR
 * is CPL 0; the GDT's user descriptors have base 0), and what a shard may
 * write instead, the data segment selectors, test/fp_xmm checks. */
#include <stddef.h>
#include <stdint.h>

const char *const tess_probe_sysregs[] = {
	"rdtsc (time stamp counter)",	 /* CR4.TSD = 1 */
	"rdtscp",			 /* ditto */
	"rdpmc (performance counter)",	 /* CR4.PCE = 0 */
	"rdfsbase (FS base)",		 /* CR4.FSGSBASE = 0: #UD */
	"wrgsbase (GS base)",		 /* ditto */
	"sgdt (descriptor table)",	 /* CR4.UMIP = 1 */
	"cli (mask interrupts)",	 /* RFLAGS.IOPL = 0 */
	"hlt",				 /* CPL 0 only */
	"rdmsr (a kernel register)",	 /* ditto */
	"mov %cr3 (page tables)",	 /* ditto */
	"mov %dr7 (debug registers)",	 /* ditto */
	"wbinvd (cache maintenance)",	 /* ditto */
	"swapgs (the kernel's GS base)", /* ditto */
	NULL,
};

void tess_probe_sysreg_run(unsigned i)
{
	uint64_t v = 0;
	uint32_t lo = 0, hi = 0, aux = 0;
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gdtr;

	switch (i) {
	case 0:
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		break;
	case 1:
		__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
		break;
	case 2:
		__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0));
		break;
	case 3:
		__asm__ volatile("rdfsbase %0" : "=r"(v));
		break;
	case 4:
		__asm__ volatile("wrgsbase %0" ::"r"(v));
		break;
	case 5:
		__asm__ volatile("sgdt %0" : "=m"(gdtr));
		break;
	case 6:
		__asm__ volatile("cli");
		break;
	case 7:
		__asm__ volatile("hlt");
		break;
	case 8:
		__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x10)); /* IA32_TIME_STAMP_COUNTER */
		break;
	case 9:
		__asm__ volatile("mov %%cr3, %0" : "=r"(v));
		break;
	case 10:
		__asm__ volatile("mov %0, %%dr7" ::"r"(v));
		break;
	case 11:
		__asm__ volatile("wbinvd" ::: "memory");
		break;
	case 12:
		__asm__ volatile("swapgs");
		break;
	}
	(void)v, (void)lo, (void)hi, (void)aux, (void)gdtr;
}
