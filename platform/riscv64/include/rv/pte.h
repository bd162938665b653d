/* Sv39 page-table entries, RISC-V Privileged Architecture v1.12 §4.4.1
 * (Sv39 uses the Sv32 PTE bits of §4.3.1, Figure 4.18 and Table 4.5). */
#ifndef RV_PTE_H
#define RV_PTE_H

#include <stdint.h>

#define PTE_V (1ul << 0) /* valid */
#define PTE_R (1ul << 1) /* readable; R=W=X=0 marks a pointer to the next level */
#define PTE_W (1ul << 2) /* writable; W without R is reserved (Table 4.5) */
#define PTE_X (1ul << 3) /* executable */
#define PTE_U (1ul << 4) /* U-mode may access; S-mode may not unless sstatus.SUM */
#define PTE_G (1ul << 5) /* global: present in every address space (kernel half) */
/* Accessed / dirty. Set up front: with Svade-style hardware a clear bit
 * raises a page fault instead of being updated (§4.3.1, "A and D bits"). */
#define PTE_A	      (1ul << 6)
#define PTE_D	      (1ul << 7)
#define PTE_PPN_SHIFT 10

#define SV39_LEVELS   3
#define SV39_VA_BITS  39
#define SV39_USER_TOP (1ul << 38) /* lower half: bit 38 clear, bits 63..39 zero */

static inline uint64_t pte_make(uint64_t pa, uint64_t bits)
{
	return ((pa >> 12) << PTE_PPN_SHIFT) | bits;
}

static inline uint64_t pte_pa(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << 12;
}

/* Index of `va` in the table of `level` (2 = root, 0 = leaf level). */
static inline unsigned sv39_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

#endif
