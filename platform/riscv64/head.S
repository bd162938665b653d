/* riscv64 kernel entry. OpenSBI enters here in S-mode with the MMU off:
 * a0 = hartid, a1 = DTB physical address (boot hart); secondary harts come
 * from SBI HSM hart_start with a1 = their core index. Both turn on a boot
 * page table that maps RAM twice (identity, so the instruction after the
 * satp write still fetches, and upper half), jump to the upper half, and
 * call C; C then switches to the fine-grained kernel table (mmu_kernel.c). */
#include <rv/layout.h>
#include <tessera/limits.h>

/* Sv39 leaf PTE bits, priv spec v1.12 §4.4.1 / §4.3.1 Figure 4.18:
 * V=0 R=1 W=2 X=3 U=4 G=5 A=6 D=7, PPN from bit 10. */
#define PTE_BOOT_RWX ((1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 7))
#define PTE_BOOT_RW  ((1 << 0) | (1 << 1) | (1 << 2) | (1 << 6) | (1 << 7))
#define STR_(x)	     #x
#define STR(x)	     STR_(x)

	.section .text.head, "ax"
	.globl _start
	/* Linux RISC-V Image header (Documentation/riscv/boot-image-header.rst),
	 * 64 bytes, so QEMU -kernel and U-Boot booti accept the image. */
	.option push
	.option norvc
_start:
	j	boot_entry		/* code0 */
	.word	0			/* code1 */
	.dword	RV_TEXT_OFFSET		/* text_offset: load 2 MiB into RAM */
	.dword	__image_size		/* image_size, including bss */
	.dword	0			/* flags: bit 0 = 0, little endian */
	.word	0x2			/* version 0.2 */
	.word	0			/* res1 */
	.dword	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* res3 */
	.option pop

boot_entry:
	/* Linked for one load address (RAM + text_offset): loaded anywhere
	 * else the upper-half map would point at the wrong bytes. Say so on
	 * the console (MMU off: its physical address, from tess_system, found
	 * pc-relative) and stop. */
	la	t0, _start
	li	t1, RV_KERNEL_PA
	bne	t0, t1, wrong_place
	csrw	sie, zero
	csrw	sscratch, zero
	la	t0, early_trap
	csrw	stvec, t0
	/* Zero bss (physical addresses: la is pc-relative, PC is physical). */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	/* Boot table: RAM gigapage at identity and at RV_KOFF, devices high. */
	la	t0, rv_boot_pt
	li	t1, (RV_RAM_BASE >> 12) << 10
	ori	t1, t1, PTE_BOOT_RWX
	sd	t1, (RV_RAM_BASE >> 30) * 8(t0)
	li	t2, RV_SLOT_RAM * 8
	add	t2, t2, t0
	sd	t1, 0(t2)
	li	t1, PTE_BOOT_RW
	li	t2, RV_SLOT_DEV * 8
	add	t2, t2, t0
	sd	t1, 0(t2)
	/* Stack: the boot hart becomes core `hartid` if the manifest uses it
	 * (main.c), so it takes stack `hartid`; a hart beyond TESS_MAX_CORES
	 * takes the spare last one. Either way no started core shares it. */
	mv	s1, a0
	li	t0, TESS_MAX_CORES
	bltu	a0, t0, 4f
	mv	s1, t0
4:	mv	s2, a1			/* DTB */
	la	s3, boot_high_addr
	j	mmu_on

	/* Secondary harts: a0 = hartid, a1 = core index (opaque). */
	.globl rv_secondary_entry
	.balign 4
rv_secondary_entry:
	csrw	sie, zero
	csrw	sscratch, zero
	la	t0, early_trap
	csrw	stvec, t0
	mv	s1, a1
	li	s2, 0
	la	s3, secondary_high_addr

mmu_on:	/* s3 = physical address of a literal holding the upper-half target. */
	mv	s0, a0
	la	t0, rv_boot_pt
	srli	t0, t0, 12
	li	t1, 8
	slli	t1, t1, 60		/* satp.MODE = Sv39, ASID 0 (§4.1.11) */
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma
	ld	t0, 0(s3)
	jr	t0

/* In the upper half, boot and secondary harts alike: sp := the top of
 * core s1's kernel stack, rv_stacks + (s1 + 1) * RV_STACK_SIZE; kernel
 * traps to rv_kernel_trap. */
.macro kernel_stack_and_trap
	la	sp, rv_stacks
	addi	t0, s1, 1
	li	t1, RV_STACK_SIZE
	mul	t0, t0, t1
	add	sp, sp, t0
	la	t0, rv_kernel_trap
	csrw	stvec, t0
.endm

boot_high:
	kernel_stack_and_trap
	mv	a0, s0
	mv	a1, s2
	call	rv_boot_main
3:	wfi
	j	3b

secondary_high:
	kernel_stack_and_trap
	mv	a0, s0
	mv	a1, s1
	call	rv_secondary_main
	j	3b

wrong_place:
	la	t0, tess_system
	ld	t0, RV_SYS_CONSOLE_PA(t0)	/* NS16550 THR at +0, LSR at +5 */
	la	t1, wrong_place_msg
1:	lbu	t2, 0(t1)
	beqz	t2, 3f
2:	lbu	t3, 5(t0)
	andi	t3, t3, 0x20		/* LSR.THRE */
	beqz	t3, 2b
	sb	t2, 0(t0)
	addi	t1, t1, 1
	j	1b
3:	wfi
	j	3b

	/* A trap before the MMU is on: nothing to print with, so park. */
	.balign 4
early_trap:
	wfi
	j	early_trap

	.section .rodata
wrong_place_msg:
	.ascii	"kern| boot: not loaded at "
	.ascii	STR(RV_KERNEL_PA)
	.asciz	", the address this kernel is linked for: stopping\r\n"
	.balign 8
boot_high_addr:
	.dword	boot_high
secondary_high_addr:
	.dword	secondary_high

	.section .bss
	.balign 4096
	.globl rv_boot_pt
rv_boot_pt:
	.space	4096
	/* Page aligned: mmu_kernel.c unmaps the lowest page of each core's
	 * stack as a guard. */
	.balign 4096
	.globl rv_stacks
rv_stacks:
	.space	RV_STACK_SIZE * (TESS_MAX_CORES + 1)
