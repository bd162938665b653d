/* Shard entry on x86_64 (CPL 3). The kernel enters here (the linker script
 * puts .text.start first, at mem_va) with rsp = stack top (16-byte aligned)
 * and rdi = start reason; the portable runtime never returns (if it did,
 * ud2: an undef fault). */
	.section .text.start, "ax"
	.globl _tess_start
_tess_start:
	xorl	%ebp, %ebp		/* end of the frame chain for debuggers */
	call	tess_runtime_main
	ud2
