/* The kernel half of every address space (PML4 slot X86_KSLOT_PML4,
 * include/x86/layout.h): RAM [0, 1 GiB) at X86_KOFF in 2 MiB pages,
 * read-write and never executable, except the 2 MiB pages that hold low
 * memory or the kernel image, which go page by page: text read+execute,
 * rodata read-only, data and bss read-write, PA 0 and each kernel stack's
 * lowest page unmapped -- no page both writable and executable. The device
 * gigabyte [3 GiB, 4 GiB) at X86_DEV_KOFF, uncached, never executable.
 * All global and supervisor-only (U = 0 at every level). */
#include <kern/kern.h>
#include <plat/load.h>
#include <x86/plat.h>
#include <x86/pte.h>
#include <x86/regs.h>

#define MEGA2 (2ull << 20)
#define KERNEL_PTS                                                                                           \
	4 /* 4 KiB tables: low memory, and the kernel image (at most                                         \
	   * the reserve: kernel_reserve - text_offset = 7 MiB) */

extern char _start[], __text_end[], __rodata_end[], __kernel_end[];
extern char x86_stacks[];

uint64_t x86_kernel_pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd_ram[512] __attribute__((aligned(4096)));
static uint64_t pd_dev[512] __attribute__((aligned(4096)));
static uint64_t pts[KERNEL_PTS][512] __attribute__((aligned(4096)));

static uint64_t page_bits(uint64_t pa)
{
	const uint64_t k = PTE_P | PTE_G;
	uint64_t va = pa + X86_KOFF, st = (uint64_t)(uintptr_t)x86_stacks;
	if (pa == 0)
		return 0;
	if (va >= st && va < st + (uint64_t)X86_STACK_SIZE * TESS_MAX_CORES &&
	    (va - st) % X86_STACK_SIZE < 4096)
		return 0;
	if (va >= (uint64_t)(uintptr_t)_start && va < (uint64_t)(uintptr_t)__text_end)
		return k;
	if (va >= (uint64_t)(uintptr_t)__text_end && va < (uint64_t)(uintptr_t)__rodata_end)
		return k | PTE_NX;
	return k | PTE_W | PTE_NX;
}

void x86_mmu_kernel_init(void)
{
	uint64_t kstart = x86_kpa(_start) & ~(MEGA2 - 1), kend = x86_kpa(__kernel_end);
	unsigned npt = 0;

	x86_kernel_pml4[X86_KSLOT_PML4] = x86_kpa(pdpt) | PTE_P | PTE_W;
	pdpt[X86_KSLOT_RAM] = x86_kpa(pd_ram) | PTE_P | PTE_W;
	pdpt[X86_KSLOT_DEV] = x86_kpa(pd_dev) | PTE_P | PTE_W;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t pa = i * MEGA2;
		if ((pa == 0 || (pa >= kstart && pa < kend)) && npt < KERNEL_PTS) {
			uint64_t *pt = pts[npt++];
			for (unsigned j = 0; j < 512; j++) {
				uint64_t b = page_bits(pa + j * 4096ull);
				pt[j] = b ? (pa + j * 4096ull) | b : 0;
			}
			pd_ram[i] = x86_kpa(pt) | PTE_P | PTE_W;
		} else {
			pd_ram[i] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
		}
		pd_dev[i] = (X86_DEV_BASE + pa) | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX | PTE_PCD | PTE_PWT;
	}
}

void x86_mmu_kernel_switch(void)
{
	CR_WRITE(cr3, x86_kpa(x86_kernel_pml4));
}

uint64_t arch_kernel_pa(const void *kva)
{
	return x86_kpa(kva);
}
