/* Bring-up stand-in shard images: position-independent U-mode code copied
 * to mem_va by test/parts.c. Syscalls: a7 = number, a0.. = arguments. */
#define CTRL_VA	   (0x10000000 + 68 * 1024)
#define CONSOLE	   64 /* offsetof(struct tess_ctrl, console) */

	.section .rodata.parts, "a"
	.balign 4
	.globl rv_part_hello, rv_part_hello_end
rv_part_hello:
	li	t0, CTRL_VA + CONSOLE
	lla	t1, 9f
1:	lbu	t2, 0(t1)
	beqz	t2, 2f
	sb	t2, 0(t0)
	addi	t0, t0, 1
	addi	t1, t1, 1
	j	1b
2:	li	a0, 17		/* length of the text */
	li	a7, 2		/* TESS_SYS_CONSOLE */
	ecall
3:	li	a0, 0		/* TESS_YIELD_WAIT */
	li	a7, 0
	ecall
	j	3b
9:	.asciz	"hello from U-mode"
	.balign 4
rv_part_hello_end:

	.globl rv_part_crash, rv_part_crash_end
rv_part_crash:
	li	t0, 0
	ld	t1, 8(t0)	/* load page fault at VA 8 */
	j	rv_part_crash
	.balign 4
rv_part_crash_end:
