/* SHA-256 compression with the ARMv8 Cryptographic Extension (FEAT_SHA256,
 * ID_AA64ISAR0_EL1.SHA2 >= 1; Arm ARM DDI0487 C7: SHA256H, SHA256H2,
 * SHA256SU0, SHA256SU1), a64_sha256_blocks(h, p, n) with the contract of
 * sha256_blocks_fn (kern/image/sha256.h). Four rounds per quad: the round
 * constants plus four schedule words, then SHA256H/SHA256H2 on the state
 * {a,b,c,d} {e,f,g,h}, and SHA256SU0/SU1 turn W[i..i+3] into W[i+16..i+19].
 *
 * The kernel never uses the FP/SIMD registers otherwise: they hold the
 * state of the shard that last used them on this core (trap.c saves it
 * lazily), and hot reload hashes on the console core in IRQ context. So
 * every vector register used here is saved and restored. */

	.arch	armv8-a+crypto
	.text

/* One quad of four rounds from schedule register \w, with W+K in v19
 * and the old {a,b,c,d} in v20. */
.macro	rounds w
	ld1	{v18.4s}, [x3], #16
	add	v19.4s, \w\().4s, v18.4s
	mov	v20.16b, v0.16b
	sha256h	q0, q1, v19.4s
	sha256h2 q1, q20, v19.4s
.endm

/* A quad, then \w (W[i..i+3]) becomes W[i+16..i+19] from \x \y \z. */
.macro	rounds_next w, x, y, z
	rounds	\w
	sha256su0 \w\().4s, \x\().4s
	sha256su1 \w\().4s, \y\().4s, \z\().4s
.endm

	.globl	a64_sha256_blocks
	.type	a64_sha256_blocks, %function
a64_sha256_blocks:
	cbz	x2, 3f
	stp	q0, q1, [sp, #-176]!
	stp	q2, q3, [sp, #32]
	stp	q4, q5, [sp, #64]
	stp	q16, q17, [sp, #96]
	stp	q18, q19, [sp, #128]
	str	q20, [sp, #160]
	ld1	{v0.4s, v1.4s}, [x0]
1:	ld1	{v2.16b-v5.16b}, [x1], #64
	rev32	v2.16b, v2.16b		/* the message words are big-endian (4.2) */
	rev32	v3.16b, v3.16b
	rev32	v4.16b, v4.16b
	rev32	v5.16b, v5.16b
	mov	v16.16b, v0.16b
	mov	v17.16b, v1.16b
	adrp	x3, sha256_k
	add	x3, x3, :lo12:sha256_k
	mov	x4, #3			/* rounds 0-47 make the schedule as they go */
2:	rounds_next v2, v3, v4, v5
	rounds_next v3, v4, v5, v2
	rounds_next v4, v5, v2, v3
	rounds_next v5, v2, v3, v4
	subs	x4, x4, #1
	b.ne	2b
	rounds	v2			/* rounds 48-63 */
	rounds	v3
	rounds	v4
	rounds	v5
	add	v0.4s, v0.4s, v16.4s
	add	v1.4s, v1.4s, v17.4s
	subs	x2, x2, #1
	b.ne	1b
	st1	{v0.4s, v1.4s}, [x0]
	ldp	q2, q3, [sp, #32]
	ldp	q4, q5, [sp, #64]
	ldp	q16, q17, [sp, #96]
	ldp	q18, q19, [sp, #128]
	ldr	q20, [sp, #160]
	ldp	q0, q1, [sp], #176
3:	ret
	.size	a64_sha256_blocks, . - a64_sha256_blocks
