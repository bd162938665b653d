/* Shard entry on riscv64 (U-mode). The kernel enters here (the linker
 * script puts .text.start first, at mem_va) with sp = stack top and
 * a0 = start reason; the portable runtime never returns. */
	.section .text.start, "ax"
	.globl _tess_start
	.balign 4
_tess_start:
	/* gp: shards link with -mno-relax, so nothing is gp-relative; keep it
	 * zero rather than whatever the previous run left (ABI: gp is global). */
	li	gp, 0
	li	tp, 0
	li	ra, 0		/* end of the call chain for debuggers */
	call	tess_runtime_main
1:	unimp			/* not reached: an illegal instruction if it were */
	j	1b
