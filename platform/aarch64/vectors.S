/* Exception vectors (Arm ARM DDI0487 D1.10.2 exception vectors: 16 entries
 * of 0x80 bytes, table 2 KiB aligned) and the EL0 round trip.
 *
 * a64_enter_user(ctx) saves the kernel's callee-saved registers on this
 * core's kernel stack, loads the shard's registers (TPIDR_EL0 included:
 * EL0 writes it) and erets to EL0. Any
 * exception from EL0 lands on the same SP_EL1, saves the shard's registers
 * back into ctx and returns from a64_enter_user (0: synchronous, 1: IRQ),
 * so C sees an ordinary call that returned. Every exception taken from EL1
 * itself is a kernel bug: dump and halt (a64_el1_panic). */
#include <arch/a64.h>
#include <arch/ctx.h>
#include <tessera/limits.h>

#define FRAME 96	/* x19-x30 */
#define PANIC_FRAME (36 * 8)

/* An exception taken from EL1 may be a kernel stack overflow (SP in the
 * guard page below the stack, where pushing the frame would fault again):
 * before anything is pushed, move to this core's panic stack
 * (a64_panic_stacks, panic.c). Nothing comes back from here, so the two
 * registers it needs for that are spent: TPIDRRO_EL0 keeps x0 and SP_EL0
 * (the last shard's stack pointer, saved in its context already) keeps
 * the SP at the exception. */
.macro ventry_el1 idx
	.balign 0x80
	msr	tpidrro_el0, x0
	mov	x0, sp
	msr	sp_el0, x0
	mrs	x0, tpidr_el1			/* this core */
	and	x0, x0, #(TESS_MAX_CORES - 1)
	add	x0, x0, #1
	lsl	x0, x0, #12			/* (core + 1) * A64_PANIC_STACK */
	mov	sp, x0
	adrp	x0, a64_panic_stacks
	add	x0, x0, :lo12:a64_panic_stacks
	add	sp, sp, x0
	sub	sp, sp, #PANIC_FRAME
	mrs	x0, tpidrro_el0
	stp	x0, x1, [sp]
	mov	x0, #\idx
	b	el1_bad
.endm
.macro ventry_el0 kind
	.balign 0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	el0_trap
.endm

	.section .text.vectors, "ax"
	.balign 0x800
	.globl a64_vectors
a64_vectors:
	ventry_el1 0	/* current EL, SP_EL0: sync */
	ventry_el1 1	/* irq */
	ventry_el1 2	/* fiq */
	ventry_el1 3	/* serror */
	ventry_el1 4	/* current EL, SP_ELx: sync */
	ventry_el1 5	/* irq (the kernel runs with IRQs masked) */
	ventry_el1 6	/* fiq */
	ventry_el1 7	/* serror */
	ventry_el0 0	/* lower EL AArch64: sync */
	ventry_el0 1	/* irq */
	ventry_el1 10	/* fiq: never routed to EL0 shards */
	ventry_el1 11	/* serror */
	ventry_el1 12	/* lower EL AArch32: not supported */
	ventry_el1 13
	ventry_el1 14
	ventry_el1 15

el0_trap:
	ldr	x0, [sp, #16]		/* ctx, stored by a64_enter_user */
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16	/* the shard's x0, x1 */
	stp	x2, x3, [x0]
	mrs	x2, sp_el0
	mrs	x3, elr_el1
	stp	x2, x3, [x0, #A64_CTX_SP]
	mrs	x2, spsr_el1
	str	x2, [x0, #A64_CTX_SPSR]
	mrs	x2, tpidr_el0
	str	x2, [x0, #A64_CTX_TPIDR]
	mov	x0, x1
	add	sp, sp, #16
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #FRAME
	ret

	.text
	.globl a64_enter_user
a64_enter_user:
	stp	x29, x30, [sp, #-FRAME]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	sub	sp, sp, #16
	str	x0, [sp]
	ldp	x1, x2, [x0, #A64_CTX_SP]
	msr	sp_el0, x1
	msr	elr_el1, x2
	ldr	x1, [x0, #A64_CTX_SPSR]
	msr	spsr_el1, x1
	ldr	x1, [x0, #A64_CTX_TPIDR]
	msr	tpidr_el0, x1
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0]
	eret
	dsb	nsh			/* no speculation past eret */
	isb

el1_bad:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x1, sp_el0
	stp	x30, x1, [sp, #240]	/* x30, sp before the exception */
	msr	tpidrro_el0, xzr
	mov	x1, sp
	bl	a64_el1_panic
1:	wfi
	b	1b
