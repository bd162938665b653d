/* CPU features and the per-core set-up every core runs before it takes a
 * trap: GDT, TSS, IDT, control registers and the MSRs that define what a
 * shard at CPL 3 may do. Bits and their sections: include/x86/regs.h. */
#include <kern/kern.h>
#include <x86/plat.h>
#include <x86/regs.h>

_Static_assert(sizeof(struct x86_tss) == 104, "64-bit TSS is 104 bytes");

struct x86_features x86_feat;
struct x86_cpu x86_cpus[TESS_MAX_CORES];

/* Stacks: the kernel stack of each core (boot.S; its lowest page is an
 * unmapped guard, mmu_kernel.c), and per core the TSS rsp0 stack (entries
 * from CPL 3 land there and move to ctx at once) and two IST stacks: IST1
 * for the double fault (a kernel stack overflow still reports, panic.c),
 * IST2 for NMI and machine check (taken even in the instructions between
 * loading the shard's rsp and SYSRET, SDM Vol. 3A §6.14.5). */
char x86_stacks[TESS_MAX_CORES][X86_STACK_SIZE] __attribute__((aligned(4096)));
static char entry_stacks[TESS_MAX_CORES][3][X86_IST_SIZE] __attribute__((aligned(16)));

static uint64_t idt[256][2] __attribute__((aligned(16)));
extern char x86_stub_base[];

#define VEC_NMI 2
#define VEC_DF	8
#define VEC_MC	18

/* Descriptors, SDM Vol. 3A §3.4.5 and §5.2.1: P, DPL, S, type (accessed bit
 * preset), L = 1 for 64-bit code. Entry 3 (X86_USER_BASE) stays not
 * present: no 32-bit user code segment to far-jump into. */
static const uint64_t gdt_template[6] = {
	0,
	0x00af9b000000ffff, /* 0x08 kernel code, 64-bit */
	0x00cf93000000ffff, /* 0x10 kernel data */
	0,		    /* 0x18 */
	0x00cff3000000ffff, /* 0x20 user data, DPL 3 */
	0x00affb000000ffff, /* 0x28 user code, 64-bit, DPL 3 */
};

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

int x86_features_probe(void)
{
	struct cpuid l1 = cpuid(1, 0), l7 = cpuid(0, 0).a >= 7 ? cpuid(7, 0) : (struct cpuid){0};
	struct cpuid e1 = cpuid(0x80000000, 0).a >= 0x80000001 ? cpuid(0x80000001, 0) : (struct cpuid){0};
	struct x86_features *f = &x86_feat;

	if (!(e1.d & CPUID81_EDX_NX) || !(l1.d & CPUID1_EDX_APIC)) {
		kern_log("x86: the CPU lacks %s: W^X and shard isolation need it, not starting",
			 !(e1.d & CPUID81_EDX_NX) ? "NX (execute disable)" : "a local APIC");
		return -1;
	}
	f->x2apic = l1.c & CPUID1_ECX_X2APIC;
	f->tsc_deadline = l1.c & CPUID1_ECX_TSCDEADLINE;
	f->pcid = l1.c & CPUID1_ECX_PCID;
	f->invpcid = l7.b & CPUID7_EBX_INVPCID;
	f->xsave = l1.c & CPUID1_ECX_XSAVE;
	f->smep = l7.b & CPUID7_EBX_SMEP;
	f->smap = l7.b & CPUID7_EBX_SMAP;
	f->umip = l7.c & CPUID7_ECX_UMIP;
	f->rdtscp = e1.d & CPUID81_EDX_RDTSCP;
	kern_log("x86: x2APIC %s, TSC-deadline %s, PCID %s, SMEP %s, SMAP %s, UMIP %s, XSAVE %s",
		 yes(f->x2apic), yes(f->tsc_deadline), yes(f->pcid), yes(f->smep), yes(f->smap), yes(f->umip),
		 yes(f->xsave));
	/* What is done without: xAPIC registers in MMIO, the LAPIC timer in
	 * periodic mode, a TLB flush of the shard half on every CR3 load,
	 * FXSAVE. A missing SMEP/SMAP/UMIP only weakens defence in depth (the
	 * kernel never touches shard pages through their user mappings, so
	 * nothing relies on them): said once, then the boot goes on. */
	if (!f->smep || !f->smap || !f->umip)
		kern_log("x86: hardening: running without%s%s%s (not offered by this CPU)",
			 f->smep ? "" : " SMEP", f->smap ? "" : " SMAP", f->umip ? "" : " UMIP");
	return 0;
}

static void gdt_load(struct x86_cpu *cpu)
{
	uint64_t tss = (uint64_t)(uintptr_t)&cpu->tss, limit = sizeof(cpu->tss) - 1;
	for (unsigned i = 0; i < 6; i++)
		cpu->gdt[i] = gdt_template[i];
	/* 64-bit TSS descriptor, 16 bytes (SDM Vol. 3A §7.2.3): type 9
	 * (available), P = 1, DPL 0. */
	cpu->gdt[6] = (limit & 0xffff) | (tss & 0xffffff) << 16 | 0x89ull << 40 |
		      ((limit >> 16) & 0xf) << 48 | (tss >> 24 & 0xff) << 56;
	cpu->gdt[7] = tss >> 32;
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gdtr = {sizeof(cpu->gdt) - 1, (uint64_t)(uintptr_t)cpu->gdt};
	__asm__ volatile("lgdt %0\n"
			 "pushq %1\n"
			 "leaq 1f(%%rip), %%rax\n"
			 "pushq %%rax\n"
			 "lretq\n"
			 "1: movl %2, %%eax\n"
			 "movl %%eax, %%ds\n"
			 "movl %%eax, %%es\n"
			 "movl %%eax, %%ss\n"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "i"(X86_KCODE), "i"(X86_KDATA), "r"(X86_TSS_SEL)
			 : "rax", "memory");
}

static void idt_build(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(x86_stub_base + 16 * v);
		uint64_t ist = v == VEC_DF ? 1 : (v == VEC_NMI || v == VEC_MC) ? 2 : 0;
		/* Interrupt gate (type 0xE: IF cleared on entry), P = 1, DPL 0,
		 * so INT n from CPL 3 is #GP (SDM Vol. 3A §6.14.1, §6.12.1.1). */
		idt[v][0] = (a & 0xffff) | (uint64_t)X86_KCODE << 16 | ist << 32 | 0x8eull << 40 |
			    (a >> 16 & 0xffff) << 48;
		idt[v][1] = a >> 32;
	}
}

void x86_cpu_early(unsigned core)
{
	struct x86_cpu *cpu = &x86_cpus[core];
	cpu->self = cpu;
	cpu->core = core;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)cpu);
	/* The shards' segment bases: the PVH entry leaves FS unspecified, and
	 * nothing a shard may do changes either (trap.c, segs_save). */
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_FS_BASE, 0);
}

void x86_cpu_init(unsigned core)
{
	struct x86_cpu *cpu = &x86_cpus[core];
	x86_cpu_early(core);
	cpu->tss.rsp0 = (uint64_t)(uintptr_t)(entry_stacks[core][0] + X86_IST_SIZE);
	cpu->tss.ist[0] = (uint64_t)(uintptr_t)(entry_stacks[core][1] + X86_IST_SIZE);
	cpu->tss.ist[1] = (uint64_t)(uintptr_t)(entry_stacks[core][2] + X86_IST_SIZE);
	cpu->tss.iomap_base = sizeof(cpu->tss);
	gdt_load(cpu);
	if (core == 0)
		idt_build();
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
	__asm__ volatile("lidt %0" ::"m"(idtr));

	/* CR0 and CR4 are written whole: every bit not named is 0. */
	CR_WRITE(cr0, CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_AM | CR0_PG);
	uint64_t cr4 = CR4_PAE | CR4_PGE | CR4_TSD | CR4_DE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	cr4 |= (x86_feat.umip ? CR4_UMIP : 0) | (x86_feat.smep ? CR4_SMEP : 0) |
	       (x86_feat.smap ? CR4_SMAP : 0);
	CR_WRITE(cr4, cr4);
	/* PCIDE may only be set while CR3[11:0] = 0 (SDM Vol. 3A §4.10.1). */
	if (x86_feat.pcid)
		CR_WRITE(cr4, cr4 | CR4_PCIDE);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
	/* SYSCALL: kernel CS 0x08 / SS 0x10; SYSRET: user SS 0x23 / CS 0x2b.
	 * FMASK clears IF (no interrupt before the stack switch), TF, DF, NT,
	 * AC (SMAP applies in the kernel), IOPL (SDM Vol. 3A §5.8.8). */
	wrmsr(MSR_STAR, (uint64_t)X86_USER_BASE << 48 | (uint64_t)X86_KCODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)x86_syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC | RFLAGS_IOPL | RFLAGS_RF);
	/* SYSENTER from CPL 3 is #GP(0) while IA32_SYSENTER_CS is 0 (SDM Vol.
	 * 2B SYSENTER); TSC_AUX is what RDPID/RDTSCP would show a shard. */
	wrmsr(MSR_SYSENTER_CS, 0);
	if (x86_feat.rdtscp)
		wrmsr(MSR_TSC_AUX, 0);
	cpu->cr3 = CR_READ(cr3);
	x86_fpu_init();
}
