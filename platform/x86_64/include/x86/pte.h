/* 4-level paging entries, SDM Vol. 3A §4.5 (Tables 4-15..4-20). */
#ifndef X86_PTE_H
#define X86_PTE_H

#include <stdint.h>

#define PTE_P	  (1ull << 0)
#define PTE_W	  (1ull << 1)
#define PTE_U	  (1ull << 2) /* CPL 3 may access; with SMEP/SMAP the kernel may not (§4.6) */
#define PTE_PWT	  (1ull << 3)
#define PTE_PCD	  (1ull << 4) /* PCD|PWT, PAT entry 3: UC with the reset PAT (§11.12.3) */
#define PTE_PS	  (1ull << 7) /* a 2 MiB page in a page directory */
#define PTE_G	  (1ull << 8) /* global: kept across CR3 loads with CR4.PGE */
#define PTE_NX	  (1ull << 63)
#define PTE_ADDR  0x000ffffffffff000ull
#define PTE_TABLE (PTE_P | PTE_W | PTE_U) /* non-leaf: the leaf decides */

#define X86_LEVELS 4 /* PML4 = level 3 ... page table = level 0 */

#endif
