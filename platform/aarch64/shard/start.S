/* The aarch64 shard backend: entry and system calls.
 * _tess_start is the first thing in the shard image (section .text.start,
 * placed first by the generated shard.ld). The kernel enters at EL0 with
 * sp = stack top and x0 = start reason; a return would be a bug, so it
 * traps (brk: FAULT_OTHER in the kernel). */
	.section .text.start, "ax"
	.globl _tess_start
_tess_start:
	mov	x29, #0
	mov	x30, #0
	bl	tess_runtime_main
	brk	#0

/* uint64_t tess_syscall(nr, a0, a1, a2, a3): number in x8, arguments in
 * x0-x3, result in x0 (the kernel's trap.c reads the same registers). */
	.text
	.globl tess_syscall
tess_syscall:
	mov	x8, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	svc	#0
	ret
