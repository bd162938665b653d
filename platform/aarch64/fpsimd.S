/* FP/SIMD register file of a shard (struct arch_ctx, A64_CTX_FPCR/V):
 * q0-q31, FPCR, FPSR. Assembled without -mgeneral-regs-only; the C kernel
 * is built with it, so only shards and these two functions use the
 * registers (Arm ARM DDI0487 C7 / D17.2 FPCR, FPSR). */
#include <arch/ctx.h>

	.text
	.globl a64_fp_save
a64_fp_save:
	add	x1, x0, #A64_CTX_V
	stp	q0, q1, [x1, #0]
	stp	q2, q3, [x1, #32]
	stp	q4, q5, [x1, #64]
	stp	q6, q7, [x1, #96]
	stp	q8, q9, [x1, #128]
	stp	q10, q11, [x1, #160]
	stp	q12, q13, [x1, #192]
	stp	q14, q15, [x1, #224]
	stp	q16, q17, [x1, #256]
	stp	q18, q19, [x1, #288]
	stp	q20, q21, [x1, #320]
	stp	q22, q23, [x1, #352]
	stp	q24, q25, [x1, #384]
	stp	q26, q27, [x1, #416]
	stp	q28, q29, [x1, #448]
	stp	q30, q31, [x1, #480]
	mrs	x2, fpcr
	mrs	x3, fpsr
	stp	x2, x3, [x0, #A64_CTX_FPCR]
	ret

	.globl a64_fp_load
a64_fp_load:
	add	x1, x0, #A64_CTX_V
	ldp	q0, q1, [x1, #0]
	ldp	q2, q3, [x1, #32]
	ldp	q4, q5, [x1, #64]
	ldp	q6, q7, [x1, #96]
	ldp	q8, q9, [x1, #128]
	ldp	q10, q11, [x1, #160]
	ldp	q12, q13, [x1, #192]
	ldp	q14, q15, [x1, #224]
	ldp	q16, q17, [x1, #256]
	ldp	q18, q19, [x1, #288]
	ldp	q20, q21, [x1, #320]
	ldp	q22, q23, [x1, #352]
	ldp	q24, q25, [x1, #384]
	ldp	q26, q27, [x1, #416]
	ldp	q28, q29, [x1, #448]
	ldp	q30, q31, [x1, #480]
	ldp	x2, x3, [x0, #A64_CTX_FPCR]
	msr	fpcr, x2
	msr	fpsr, x3
	ret
