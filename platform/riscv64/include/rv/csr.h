/* riscv64 CSR numbers, bits and accessors used by the platform. Section
 * numbers refer to the RISC-V Privileged Architecture, v1.12 (20211203). */
#ifndef RV_CSR_H
#define RV_CSR_H

/* sstatus, §4.1.1 (Figure 4.2). */
#define SSTATUS_SIE	   (1ul << 1) /* S-mode interrupts enabled (we keep it 0) */
#define SSTATUS_SPIE	   (1ul << 5)
#define SSTATUS_SPP	   (1ul << 8)  /* privilege before the trap: 0 = U */
#define SSTATUS_FS	   (3ul << 13) /* FP state: 0 Off, 1 Initial, 2 Clean, 3 Dirty (§3.1.6.6) */
#define SSTATUS_FS_INITIAL (1ul << 13)
#define SSTATUS_FS_CLEAN   (2ul << 13)
#define SSTATUS_SUM	   (1ul << 18) /* S-mode may touch U pages: kept 0 */
#define SSTATUS_MXR	   (1ul << 19) /* loads from execute-only pages (§4.1.1.2) */
#define SSTATUS_UBE	   (1ul << 6)  /* U-mode data accesses big endian (§3.1.6.4) */
#define SSTATUS_VS	   (3ul << 9)  /* vector state (V extension): 0 = Off */

/* sip / sie, §4.1.3: software, timer, external interrupt of S-mode. */
#define SIP_SSIP (1ul << 1)
#define SIP_STIP (1ul << 5)
#define SIP_SEIP (1ul << 9)

/* scause, §4.1.8 Table 4.2. */
#define SCAUSE_INTR	     (1ul << 63)
#define IRQ_S_SOFT	     1
#define IRQ_S_TIMER	     5
#define IRQ_S_EXT	     9
#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS	     1
#define EXC_ILLEGAL	     2
#define EXC_BREAKPOINT	     3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS	     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U	     8
#define EXC_INST_PAGE	     12
#define EXC_LOAD_PAGE	     13
#define EXC_STORE_PAGE	     15

/* satp, §4.1.11: MODE[63:60] = 8 selects Sv39, ASID[59:44], PPN[43:0]. */
#define SATP_SV39	(8ul << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK	0xfffful

#ifndef __ASSEMBLER__
#include <stdint.h>

#define csr_read(csr)                                                                                        \
	({                                                                                                   \
		unsigned long __v;                                                                           \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory");                                    \
		__v;                                                                                         \
	})
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, val)   __asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")

static inline void rv_sfence_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void rv_fence_i(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}
#endif

#endif
