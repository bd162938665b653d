/* bench/wfi_stall: the boot of the bare-metal reproducer (README.md there).
 * QEMU virt loads the ELF at its link address and enters at _start on CPU 0
 * at EL1; CPU 1 comes here through PSCI CPU_ON. Each gets a 4 KiB stack. */
	.section .text.start, "ax"
	.global _start
_start:
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff
	adrp	x1, stacks
	add	x1, x1, :lo12:stacks
	add	x2, x0, #1
	lsl	x2, x2, #12
	add	sp, x1, x2
	bl	core_main
1:	wfe
	b	1b

	.bss
	.balign	16
stacks:	.space	4096 * 2
