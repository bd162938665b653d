/* Bring-up stand-in shard images: position-independent U-mode code copied
 * to mem_va by test/parts.c. Syscalls: a7 = number, a0.. = arguments. */
#define CTRL_VA	   (0x10000000 + 68 * 1024)
#define CONSOLE	   64 /* offsetof(struct tess_ctrl, console) */

	.section .rodata.parts, "a"
	.balign 4
	.globl rv_part_hello, rv_part_hello_end
rv_part_hello:
	lla	a1, 9f
	li	a2, 17
	jal	4f
3:	li	a0, 0		/* TESS_YIELD_WAIT */
	li	a7, 0
	ecall
	beqz	a0, 3b
	lla	a1, 8f
	li	a2, 13
	jal	4f
	j	3b
4:	li	t0, CTRL_VA + CONSOLE	/* print(a1 = text, a2 = length) */
	mv	t1, a1
	add	t3, a1, a2
5:	lbu	t2, 0(t1)
	sb	t2, 0(t0)
	addi	t0, t0, 1
	addi	t1, t1, 1
	bltu	t1, t3, 5b
	mv	a0, a2
	li	a7, 2		/* TESS_SYS_CONSOLE */
	ecall
	ret
9:	.ascii	"hello from U-mode"
8:	.ascii	"woken by ping"
	.balign 4
rv_part_hello_end:

/* Core 1: waits 300 ms (by TESS_SYS_TIME) so that core 0 is idle, then
 * notifies "hello" through channel end 0: the wakeup needs an IPI. */
	.globl rv_part_ping, rv_part_ping_end
rv_part_ping:
	li	a7, 3		/* TESS_SYS_TIME */
	ecall
	mv	s0, a0
	li	s1, 300000000
1:	li	a0, 1		/* TESS_YIELD_POLL */
	li	a7, 0
	ecall
	li	a7, 3
	ecall
	sub	t0, a0, s0
	bltu	t0, s1, 1b
	li	a0, 0		/* end 0 */
	li	a7, 1		/* TESS_SYS_NOTIFY */
	ecall
2:	li	a0, 0
	li	a7, 0
	ecall
	j	2b
	.balign 4
rv_part_ping_end:

	.globl rv_part_crash, rv_part_crash_end
rv_part_crash:
	li	t0, 0
	ld	t1, 8(t0)	/* load page fault at VA 8 */
	j	rv_part_crash
	.balign 4
rv_part_crash_end:

/* Two FP shards share core 0 and poll: each keeps its own value in f1
 * across 1000 yields, then prints "fp<tag> ok" and sleeps; a lost value
 * faults (illegal instruction). */
.macro fp_shard name, bits, tag
	.globl rv_part_\name, rv_part_\name\()_end
rv_part_\name:
	li	t0, \bits
	fmv.d.x	f1, t0
	li	s0, 1000
1:	li	a0, 1		/* TESS_YIELD_POLL */
	li	a7, 0
	ecall
	fmv.x.d	t1, f1
	bne	t1, t0, 3f
	addi	s0, s0, -1
	bnez	s0, 1b
	li	t2, CTRL_VA + CONSOLE
	li	t3, 0x6b6f2000 + \tag	/* "<tag> ok" little endian */
	li	t4, 0x7066	/* "fp" */
	sh	t4, 0(t2)
	sw	t3, 2(t2)
	li	a0, 6
	li	a7, 2
	ecall
2:	li	a0, 0	/* then sleep, so core 0 can idle */
	li	a7, 0
	ecall
	j	2b
3:	unimp
	.balign 4
rv_part_\name\()_end:
.endm
	fp_shard fpa, 0x4000000000000000, 0x61
	fp_shard fpb, 0x4008000000000000, 0x62

/* Never yields: found hung by the watchdog on a tick. */
	.globl rv_part_spin, rv_part_spin_end
rv_part_spin:
	j	rv_part_spin
	.balign 4
rv_part_spin_end:
