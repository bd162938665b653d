/* x86_64 control registers, MSRs, CPUID bits and accessors used by the
 * platform. "SDM" is the Intel 64 and IA-32 Architectures Software
 * Developer's Manual, order 325462-078US (December 2022); section numbers
 * and titles below are from that edition. */
#ifndef X86_REGS_H
#define X86_REGS_H

#ifdef __ASSEMBLER__
#define BIT(n) (1 << (n))
#else
#define BIT(n) (1ul << (n))
#endif

/* CR0, SDM Vol. 3A §2.5 "Control Registers". */
#define CR0_PE BIT(0)  /* protected mode */
#define CR0_MP BIT(1)  /* WAIT/FWAIT honour TS */
#define CR0_TS BIT(3)  /* task switched: x87/SSE/AVX raise #NM (lazy FPU, fpu.c) */
#define CR0_NE BIT(5)  /* native x87 error reporting (#MF), not the PC-style IRQ 13 */
#define CR0_WP BIT(16) /* supervisor writes honour read-only pages */
#define CR0_AM BIT(18) /* #AC possible at CPL 3 when the shard sets RFLAGS.AC */
#define CR0_PG BIT(31)

/* CR4, SDM Vol. 3A §2.5. */
#define CR4_TSD	       BIT(2) /* RDTSC/RDTSCP at CPL > 0: #GP (time comes from TESS_SYS_TIME) */
#define CR4_DE	       BIT(3) /* debug extensions: DR4/DR5 references #UD */
#define CR4_PAE	       BIT(5)
#define CR4_PGE	       BIT(7)  /* global pages: the kernel half survives CR3 loads */
#define CR4_PCE	       BIT(8)  /* kept 0: RDPMC at CPL > 0 is #GP */
#define CR4_OSFXSR     BIT(9)  /* FXSAVE/FXRSTOR and SSE enabled */
#define CR4_OSXMMEXCPT BIT(10) /* unmasked SIMD FP exceptions raise #XM */
#define CR4_UMIP       BIT(11) /* SGDT/SIDT/SLDT/SMSW/STR at CPL > 0: #GP */
#define CR4_FSGSBASE   BIT(16) /* kept 0: RD/WR{FS,GS}BASE #UD */
#define CR4_PCIDE      BIT(17) /* CR3[11:0] is a PCID (§4.10.1) */
#define CR4_OSXSAVE    BIT(18) /* XSAVE/XRSTOR, XGETBV enabled */
#define CR4_SMEP       BIT(20) /* no supervisor fetch from user pages (§4.6) */
#define CR4_SMAP       BIT(21) /* no supervisor data access to user pages (§4.6) */
#define CR4_PKE	       BIT(22) /* kept 0: no protection keys, RDPKRU #UD */

/* CR3 with CR4.PCIDE = 1, SDM Vol. 3A §4.10.4.1: bit 63 set on a load keeps
 * the TLB entries of the new PCID. */
#define CR3_NOFLUSH BIT(63)

/* MSRs, SDM Vol. 4 "Model-Specific Registers" (Table 2-2). */
#define MSR_APIC_BASE	   0x1b /* §10.4.4: bit 11 enable, bit 10 x2APIC */
#define APIC_BASE_EN	   BIT(11)
#define APIC_BASE_EXTD	   BIT(10)
#define MSR_ARCH_CAPS	   0x10a      /* IA32_ARCH_CAPABILITIES, with CPUID.7:EDX[29] */
#define ARCH_CAPS_RDCL_NO  BIT(0)     /* not affected by rogue data cache load (Meltdown) */
#define MSR_SYSENTER_CS	   0x174      /* 0: SYSENTER #GP(0) (Vol. 2B SYSENTER) */
#define MSR_TSC_DEADLINE   0x6e0      /* §10.5.4.1 */
#define MSR_X2APIC_BASE	   0x800      /* x2APIC register at MMIO offset o: 0x800 + o/16 (§10.12.1.2) */
#define MSR_EFER	   0xc0000080 /* §2.2.1 */
#define EFER_SCE	   BIT(0)     /* SYSCALL/SYSRET */
#define EFER_LME	   BIT(8)
#define EFER_NXE	   BIT(11)    /* XD (bit 63) in paging entries */
#define MSR_STAR	   0xc0000081 /* §5.8.8 "Fast System Calls in 64-Bit Mode" */
#define MSR_LSTAR	   0xc0000082
#define MSR_FMASK	   0xc0000084
#define MSR_FS_BASE	   0xc0000100 /* §3.4.4: set 0 at boot, never a shard's to change */
#define MSR_GS_BASE	   0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102 /* SWAPGS exchanges it with GS.base */
#define MSR_TSC_AUX	   0xc0000103 /* RDTSCP/RDPID read it at any CPL: kept 0 */

/* RFLAGS, SDM Vol. 1 §3.4.3. */
#define RFLAGS_TF    BIT(8)
#define RFLAGS_IF    BIT(9)
#define RFLAGS_DF    BIT(10)
#define RFLAGS_IOPL  (3 * BIT(12)) /* kept 0: IN/OUT/INS/OUTS/CLI/STI at CPL 3 #GP */
#define RFLAGS_NT    BIT(14)
#define RFLAGS_RF    BIT(16)
#define RFLAGS_AC    BIT(18)
#define RFLAGS_ID    BIT(21)
#define RFLAGS_FIXED BIT(1) /* reserved, always 1 */

/* XCR0, SDM Vol. 1 §13.3: state components XSAVE manages. */
#define XCR0_X87    BIT(0)
#define XCR0_SSE    BIT(1)
#define XCR0_AVX    BIT(2)
#define XCR0_AVX512 (7 * BIT(5)) /* opmask, ZMM_Hi256, Hi16_ZMM: all or none */

/* CPUID feature bits, SDM Vol. 2A CPUID, Tables 3-10/3-11 (leaf 1),
 * 3-8 (leaf 7), 3-8 (leaf 0x80000001). */
#define CPUID1_ECX_PCID	       BIT(17)
#define CPUID1_ECX_X2APIC      BIT(21)
#define CPUID1_ECX_TSCDEADLINE BIT(24)
#define CPUID1_ECX_XSAVE       BIT(26)
#define CPUID1_ECX_AVX	       BIT(28)
#define CPUID1_EDX_APIC	       BIT(9)
#define CPUID7_EBX_SMEP	       BIT(7)
#define CPUID7_EBX_INVPCID     BIT(10)
#define CPUID7_EBX_SMAP	       BIT(20)
#define CPUID7_ECX_UMIP	       BIT(2)
#define CPUID7_EDX_ARCH_CAPS   BIT(29)
#define CPUID81_EDX_NX	       BIT(20)
#define CPUID81_EDX_RDTSCP     BIT(27)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct cpuid {
	uint32_t a, b, c, d;
};

static inline struct cpuid cpuid(uint32_t leaf, uint32_t sub)
{
	struct cpuid r;
	__asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

#define CR_READ(cr)                                                                                          \
	({                                                                                                   \
		uint64_t v_;                                                                                 \
		__asm__ volatile("mov %%" #cr ", %0" : "=r"(v_));                                            \
		v_;                                                                                          \
	})
#define CR_WRITE(cr, v) __asm__ volatile("mov %0, %%" #cr ::"r"((uint64_t)(v)) : "memory")

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void xsetbv(uint32_t xcr, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}
#endif

#endif
