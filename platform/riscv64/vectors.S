/* riscv64 trap entry and exit.
 *
 * rv_enter_user(ctx) saves the kernel's callee-saved registers on the
 * kernel stack, points sscratch at ctx and stvec at rv_user_trap, loads the
 * shard's registers and srets to U-mode (sstatus.SPP = 0, set by trap.c;
 * priv spec v1.12 §4.1.1). Any trap from U-mode lands in rv_user_trap,
 * which stores the shard's registers into ctx and "returns" from
 * rv_enter_user; trap.c then reads scause/stval. The kernel never takes
 * interrupts itself (sstatus.SIE stays 0; U-mode always takes S-level
 * interrupts, §3.1.6.1), so in S-mode stvec = rv_kernel_trap, which only
 * sees kernel exceptions and turns them into a register dump. */
#include <arch/ctx.h>

#define KFRAME (16 * 8)

	.text
	.globl rv_enter_user
	.balign 4
rv_enter_user:
	addi	sp, sp, -KFRAME
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	sd	gp, 104(sp)
	sd	tp, 112(sp)
	sd	sp, RV_CTX_KSP(a0)
	csrw	sscratch, a0
	la	t0, rv_user_trap
	csrw	stvec, t0
	ld	t0, RV_CTX_PC(a0)
	csrw	sepc, t0
	ld	x1, RV_CTX_X(1)(a0)
	ld	x2, RV_CTX_X(2)(a0)
	ld	x3, RV_CTX_X(3)(a0)
	ld	x4, RV_CTX_X(4)(a0)
	ld	x5, RV_CTX_X(5)(a0)
	ld	x6, RV_CTX_X(6)(a0)
	ld	x7, RV_CTX_X(7)(a0)
	ld	x8, RV_CTX_X(8)(a0)
	ld	x9, RV_CTX_X(9)(a0)
	ld	x11, RV_CTX_X(11)(a0)
	ld	x12, RV_CTX_X(12)(a0)
	ld	x13, RV_CTX_X(13)(a0)
	ld	x14, RV_CTX_X(14)(a0)
	ld	x15, RV_CTX_X(15)(a0)
	ld	x16, RV_CTX_X(16)(a0)
	ld	x17, RV_CTX_X(17)(a0)
	ld	x18, RV_CTX_X(18)(a0)
	ld	x19, RV_CTX_X(19)(a0)
	ld	x20, RV_CTX_X(20)(a0)
	ld	x21, RV_CTX_X(21)(a0)
	ld	x22, RV_CTX_X(22)(a0)
	ld	x23, RV_CTX_X(23)(a0)
	ld	x24, RV_CTX_X(24)(a0)
	ld	x25, RV_CTX_X(25)(a0)
	ld	x26, RV_CTX_X(26)(a0)
	ld	x27, RV_CTX_X(27)(a0)
	ld	x28, RV_CTX_X(28)(a0)
	ld	x29, RV_CTX_X(29)(a0)
	ld	x30, RV_CTX_X(30)(a0)
	ld	x31, RV_CTX_X(31)(a0)
	ld	x10, RV_CTX_X(10)(a0)
	sret

	/* From U-mode: sscratch = ctx. stvec needs 4-byte alignment (§4.1.2). */
	.balign 4
rv_user_trap:
	csrrw	a0, sscratch, a0
	sd	x1, RV_CTX_X(1)(a0)
	sd	x2, RV_CTX_X(2)(a0)
	sd	x3, RV_CTX_X(3)(a0)
	sd	x4, RV_CTX_X(4)(a0)
	sd	x5, RV_CTX_X(5)(a0)
	sd	x6, RV_CTX_X(6)(a0)
	sd	x7, RV_CTX_X(7)(a0)
	sd	x8, RV_CTX_X(8)(a0)
	sd	x9, RV_CTX_X(9)(a0)
	sd	x11, RV_CTX_X(11)(a0)
	sd	x12, RV_CTX_X(12)(a0)
	sd	x13, RV_CTX_X(13)(a0)
	sd	x14, RV_CTX_X(14)(a0)
	sd	x15, RV_CTX_X(15)(a0)
	sd	x16, RV_CTX_X(16)(a0)
	sd	x17, RV_CTX_X(17)(a0)
	sd	x18, RV_CTX_X(18)(a0)
	sd	x19, RV_CTX_X(19)(a0)
	sd	x20, RV_CTX_X(20)(a0)
	sd	x21, RV_CTX_X(21)(a0)
	sd	x22, RV_CTX_X(22)(a0)
	sd	x23, RV_CTX_X(23)(a0)
	sd	x24, RV_CTX_X(24)(a0)
	sd	x25, RV_CTX_X(25)(a0)
	sd	x26, RV_CTX_X(26)(a0)
	sd	x27, RV_CTX_X(27)(a0)
	sd	x28, RV_CTX_X(28)(a0)
	sd	x29, RV_CTX_X(29)(a0)
	sd	x30, RV_CTX_X(30)(a0)
	sd	x31, RV_CTX_X(31)(a0)
	csrr	t0, sscratch
	sd	t0, RV_CTX_X(10)(a0)
	csrr	t0, sepc
	sd	t0, RV_CTX_PC(a0)
	ld	sp, RV_CTX_KSP(a0)
	la	t0, rv_kernel_trap
	csrw	stvec, t0
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	ld	gp, 104(sp)
	ld	tp, 112(sp)
	addi	sp, sp, KFRAME
	ret

	/* From S-mode: always a kernel bug. Dump x1..x31 and halt. */
	.globl rv_kernel_trap
	.balign 4
rv_kernel_trap:
	/* Switch to this core's panic stack (tp -> struct rv_cpu, whose
	 * first field is panic_sp): the trap may be a kernel stack overflow.
	 * sscratch is free in S-mode (it only matters while a shard runs). */
	csrw	sscratch, sp
	ld	sp, 0(tp)
	addi	sp, sp, -(32 * 8)
	sd	x1, 8(sp)
	sd	x3, 24(sp)
	sd	x4, 32(sp)
	sd	x5, 40(sp)
	sd	x6, 48(sp)
	sd	x7, 56(sp)
	sd	x8, 64(sp)
	sd	x9, 72(sp)
	sd	x10, 80(sp)
	sd	x11, 88(sp)
	sd	x12, 96(sp)
	sd	x13, 104(sp)
	sd	x14, 112(sp)
	sd	x15, 120(sp)
	sd	x16, 128(sp)
	sd	x17, 136(sp)
	sd	x18, 144(sp)
	sd	x19, 152(sp)
	sd	x20, 160(sp)
	sd	x21, 168(sp)
	sd	x22, 176(sp)
	sd	x23, 184(sp)
	sd	x24, 192(sp)
	sd	x25, 200(sp)
	sd	x26, 208(sp)
	sd	x27, 216(sp)
	sd	x28, 224(sp)
	sd	x29, 232(sp)
	sd	x30, 240(sp)
	sd	x31, 248(sp)
	csrr	t0, sscratch
	sd	t0, 16(sp)		/* x2 = sp before the trap */
	mv	a0, sp
	csrr	a1, scause
	csrr	a2, sepc
	csrr	a3, stval
	call	rv_panic_regs

	/* long rv_senvcfg_write(unsigned long v): write senvcfg (CSR 0x10a,
	 * priv spec v1.12 §4.1.10; clang 14 has no name for it); 0, or -1 if
	 * this hart has none: the write then raises an illegal-instruction
	 * exception (§2.1, an unimplemented CSR), which lands on the local
	 * handler below instead of rv_kernel_trap. Nothing to undo: we do not
	 * sret, and SIE was 0 before the trap as after it. */
	.globl rv_senvcfg_write
	.balign 4
rv_senvcfg_write:
	csrr	t0, stvec
	la	t1, 1f
	csrw	stvec, t1
	csrw	0x10a, a0
	li	a0, 0
	csrw	stvec, t0
	ret
	.balign 4
1:	li	a0, -1
	csrw	stvec, t0
	ret
