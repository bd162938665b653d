/* The kernel half of every address space (root slots 256..511, see
 * rv/layout.h): devices as one RW gigapage, RAM as RW megapages, and the
 * kernel image page by page so text is RX, rodata R and data/bss RW -- no
 * page is both writable and executable. All leaves are global (PTE_G) and
 * lack PTE_U, so U-mode can never reach them (priv spec §4.3.1). */
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/pte.h>

#define MEGA		 (2ul << 20)
#define KERNEL_L0_TABLES 2 /* the kernel image may straddle two megapages */

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
extern char rv_stacks[];

uint64_t rv_kernel_root[512] __attribute__((aligned(4096)));
static uint64_t kernel_l1[512] __attribute__((aligned(4096)));
static uint64_t kernel_l0[KERNEL_L0_TABLES][512] __attribute__((aligned(4096)));

static uint64_t kernel_page_bits(uint64_t kva)
{
	const uint64_t k = PTE_V | PTE_G | PTE_A | PTE_D;
	uint64_t st = (uint64_t)rv_stacks;
	/* Guard page at the bottom of every core's kernel stack. */
	if (kva >= st && kva < st + RV_STACK_SIZE * (TESS_MAX_CORES + 1) &&
	    (kva - st) % RV_STACK_SIZE < RV_STACK_GUARD)
		return 0;
	if (kva >= (uint64_t)__kernel_start && kva < (uint64_t)__text_end)
		return k | PTE_R | PTE_X;
	if (kva >= (uint64_t)__text_end && kva < (uint64_t)__rodata_end)
		return k | PTE_R;
	return k | PTE_R | PTE_W;
}

void rv_mmu_kernel_init(void)
{
	const uint64_t ram = RV_RAM_BASE;
	uint64_t kstart = rv_kpa(__kernel_start) & ~(MEGA - 1);
	unsigned nl0 = 0;

	rv_kernel_root[RV_SLOT_DEV] = pte_make(0, PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D);
	rv_kernel_root[RV_SLOT_RAM] = pte_make(rv_kpa(kernel_l1), PTE_V | PTE_G);
	/* Megapage 0 of RAM holds the SBI firmware (M-mode PMP protects it
	 * anyway): left unmapped so a stray kernel pointer faults. */
	for (unsigned i = 1; i < 512; i++) {
		uint64_t pa = ram + i * MEGA;
		if (pa >= kstart && pa < rv_kpa(__kernel_end) && nl0 < KERNEL_L0_TABLES) {
			uint64_t *l0 = kernel_l0[nl0++];
			for (unsigned j = 0; j < 512; j++) {
				uint64_t p = pa + j * 4096ul;
				l0[j] = pte_make(p, kernel_page_bits(p + RV_KOFF));
			}
			kernel_l1[i] = pte_make(rv_kpa(l0), PTE_V | PTE_G);
		} else {
			kernel_l1[i] = pte_make(pa, PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D);
		}
	}
}

void rv_mmu_kernel_switch(void)
{
	csr_write(satp, SATP_SV39 | (rv_kpa(rv_kernel_root) >> 12));
	rv_sfence_all();
}
