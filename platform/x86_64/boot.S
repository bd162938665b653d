/* Entry points: the ELF header with the PVH note, the boot core's 32-bit
 * entry, the switch to long mode shared with the other cores, and the
 * real-mode trampoline those start in (smp.c copies it to low RAM).
 *
 * The image starts with its own ELF header (docs/image.md "x86_64"): one
 * PT_LOAD of the whole image at its physical load address, whose sizes
 * the packer patches like the arm64 Image's image_size, and a PT_NOTE with
 * XEN_ELFNOTE_PHYS32_ENTRY, so QEMU's -kernel (microvm: its SeaBIOS
 * build; pc/q35: the pvh.bin option ROM) loads it and enters x86_pvh_entry
 * per the x86/HVM direct boot ABI (Xen docs/misc/pvh.pandoc): 32-bit
 * protected mode, paging off, CS/DS flat, EBX = physical address of struct
 * hvm_start_info. The kernel is linked in the top 2 GiB (VA = PA +
 * X86_KOFF); everything before the jump there uses physical addresses,
 * PA(sym), which the linker computes. */
#include <x86/layout.h>
#include <x86/regs.h>

#define PA(sym) ((sym) - X86_KOFF)
#define XEN_ELFNOTE_PHYS32_ENTRY 18 /* xen/include/public/elfnote.h */
/* Paging-structure entry bits (SDM Vol. 3A §4.5, Tables 4-14..4-19):
 * P, R/W, and PS (a 2 MiB page in a page directory). */
#define PTE_P	0x1
#define PTE_W	0x2
#define PTE_PS	0x80

	.section .text.head, "ax"
	.globl _start
_start:
	/* ELF64 header (System V gABI, "ELF Header"). */
	.byte	0x7f, 'E', 'L', 'F', 2, 1, 1, 0	/* ELFCLASS64, little endian, version 1 */
	.quad	0
	.word	2				/* e_type: ET_EXEC */
	.word	62				/* e_machine: EM_X86_64 */
	.long	1				/* e_version */
	.quad	PA(x86_pvh_entry)		/* e_entry (the PVH note is what QEMU uses) */
	.quad	phdrs - _start			/* e_phoff */
	.quad	0				/* e_shoff: no section headers */
	.long	0				/* e_flags */
	.word	64, 56, 2			/* e_ehsize, e_phentsize, e_phnum */
	.word	64, 0, 0			/* e_shentsize, e_shnum, e_shstrndx */
phdrs:	/* PT_LOAD: the whole image, loaded at its physical address. */
	.long	1, 7				/* p_type PT_LOAD, p_flags RWX */
	.quad	0				/* p_offset */
	.quad	_start				/* p_vaddr */
	.quad	PA(_start)			/* p_paddr: where QEMU puts it */
	.quad	__image_size			/* p_filesz: patched by the packer */
	.quad	__image_size			/* p_memsz: patched by the packer */
	.quad	4096				/* p_align */
	/* PT_NOTE: the PVH entry. */
	.long	4, 4				/* p_type PT_NOTE, p_flags R */
	.quad	pvh_note - _start
	.quad	pvh_note
	.quad	PA(pvh_note)
	.quad	pvh_note_end - pvh_note
	.quad	pvh_note_end - pvh_note
	.quad	4
	.balign	4
pvh_note:
	.long	4, 8, XEN_ELFNOTE_PHYS32_ENTRY	/* namesz, descsz, type */
	.asciz	"Xen"
	.quad	PA(x86_pvh_entry)		/* 8 bytes, as QEMU reads it for ELF64 */
pvh_note_end:

	.code32
	.globl x86_pvh_entry
x86_pvh_entry:
	cli
	cld
	movl	%ebx, %esi			/* struct hvm_start_info (PA) */
	xorl	%edi, %edi			/* 0: the boot core */

	/* Common to every core from here: 32-bit flat, paging off, esi/edi
	 * preserved. Long mode per SDM Vol. 3A §9.8.5 "Initializing IA-32e
	 * Mode": PAE, CR3, EFER.LME, then CR0.PG. */
	.globl x86_start32
x86_start32:
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$PA(x86_boot_pml4), %eax
	movl	%eax, %cr3
	/* EFER.NXE only if the CPU has NX (setting it otherwise is #GP);
	 * cpu.c refuses to go on without NX. */
	movl	$0x80000001, %eax
	cpuid
	movl	$EFER_LME, %ebx
	testl	$CPUID81_EDX_NX, %edx
	jz	1f
	orl	$EFER_NXE, %ebx
1:	movl	$MSR_EFER, %ecx
	rdmsr
	orl	%ebx, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE | CR0_WP), %eax
	movl	%eax, %cr0
	lgdt	PA(boot_gdtr32)
	ljmp	$X86_KCODE, $PA(start64)

	.code64
start64:
	movl	$X86_KDATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movabsq	$high64, %rax
	jmp	*%rax

	.text
high64:
	lgdt	boot_gdtr64(%rip)		/* the GDT at its high address */
	testl	%edi, %edi
	jnz	ap_high
	/* Boot core: clear .bss (the stacks are in it), then C. */
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	shrq	$3, %rcx
	xorl	%eax, %eax
	rep stosq
	leaq	x86_stacks + X86_STACK_SIZE(%rip), %rsp
	movl	%esi, %edi
	call	x86_boot_main
	jmp	halt

ap_high:
	/* Another core (smp.c): its index in x86_ap_core, its stack above it. */
	movl	x86_ap_core(%rip), %edi
	movq	%rdi, %rax
	incq	%rax
	shlq	$14, %rax			/* (core + 1) * X86_STACK_SIZE */
	leaq	x86_stacks(%rip), %rsp
	addq	%rax, %rsp
	call	x86_secondary_main
halt:	cli
	hlt
	jmp	halt

	/* The AP start-up trampoline, copied to X86_TRAMPOLINE_PA by smp.c:
	 * a started AP begins in real mode at CS:IP = (PA >> 4):0 (SDM Vol. 3A
	 * §8.4.4.2 "Typical AP Initialization Sequence"); it enters 32-bit
	 * protected mode with its own flat GDT and continues at x86_start32
	 * with edi = 1. Position dependent on X86_TRAMPOLINE_PA only. */
	.section .rodata
	.balign	16
	.globl x86_trampoline, x86_trampoline_end
	.code16
x86_trampoline:
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %ds
	lgdtl	X86_TRAMPOLINE_PA + (tramp_gdtr - x86_trampoline)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $(X86_TRAMPOLINE_PA + (tramp32 - x86_trampoline))
	.code32
tramp32:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	$1, %edi
	xorl	%esi, %esi
	movl	$PA(x86_start32), %eax
	jmp	*%eax
	.balign	8
tramp_gdt:	/* flat 32-bit code (0x08) and data (0x10), accessed bits preset */
	.quad	0
	.quad	0x00cf9b000000ffff
	.quad	0x00cf93000000ffff
tramp_gdtr:
	.word	3 * 8 - 1
	.long	X86_TRAMPOLINE_PA + (tramp_gdt - x86_trampoline)
x86_trampoline_end:
	.code64

	.section .data
	/* Which core the AP being started becomes (smp.c sets it first). */
	.balign	8
	.globl x86_ap_core
x86_ap_core:
	.long	0
	/* The GDT of the switch to long mode: 64-bit kernel code 0x08 and data
	 * 0x10 (SDM Vol. 3A §3.4.5, §5.2.1), accessed bits preset so loading
	 * them writes nothing. In .data: the CPU may still write to it. */
	.balign	8
boot_gdt:
	.quad	0
	.quad	0x00af9b000000ffff
	.quad	0x00cf93000000ffff
boot_gdtr32:
	.word	3 * 8 - 1
	.long	PA(boot_gdt)
	.balign	8
	.word	0, 0, 0
boot_gdtr64:
	.word	3 * 8 - 1
	.quad	boot_gdt

	/* The boot page tables: [0, 1 GiB) in 2 MiB pages, both at its physical
	 * address (PML4 slot 0: the instructions right after CR0.PG, and the
	 * trampoline's) and at X86_KOFF (PML4 slot X86_KSLOT_PML4, PDPT slot
	 * X86_KSLOT_RAM). Every core moves to mmu_kernel.c's tables in C. In
	 * .data, not hashed with the kernel: the CPU sets accessed/dirty bits
	 * in them. */
	.balign	4096
	.globl x86_boot_pml4
x86_boot_pml4:
	.quad	PA(boot_pdpt_low) + PTE_P + PTE_W
	.fill	X86_KSLOT_PML4 - 1, 8, 0
	.quad	PA(boot_pdpt_high) + PTE_P + PTE_W
	.fill	511 - X86_KSLOT_PML4, 8, 0
boot_pdpt_low:
	.quad	PA(boot_pd) + PTE_P + PTE_W
	.fill	511, 8, 0
boot_pdpt_high:
	.fill	X86_KSLOT_RAM, 8, 0
	.quad	PA(boot_pd) + PTE_P + PTE_W
	.fill	511 - X86_KSLOT_RAM, 8, 0
boot_pd:
	.set	i, 0
	.rept	512
	.quad	(i << 21) + PTE_P + PTE_W + PTE_PS
	.set	i, i + 1
	.endr
