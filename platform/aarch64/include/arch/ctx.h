/* The saved EL0 context of one shard (kern/ stores it, never looks inside).
 * Layout is shared with vectors.S and fpsimd.S: the A64_CTX_* offsets
 * below (checked against the struct in trap.c). The FP/SIMD part is saved only when another shard needs the
 * core's FP/SIMD registers (trap.c): the kernel never touches them. */
#ifndef ARCH_CTX_H
#define ARCH_CTX_H

#ifndef __ASSEMBLER__
#include <stdint.h>

struct arch_ctx {
	uint64_t x[31]; /* x0..x30 */
	uint64_t sp;	/* SP_EL0 */
	uint64_t pc;	/* ELR_EL1: where eret resumes */
	uint64_t spsr;	/* SPSR_EL1: EL0t, interrupts unmasked */
	uint64_t fpcr, fpsr;
	__uint128_t v[32]; /* q0..q31 */
	/* TPIDR_EL0: EL0 may write it at any time (Arm ARM DDI0487 D17.2
	 * TPIDR_EL0), so it is part of the shard's state: otherwise one shard
	 * reads what the previous one on the core left there. */
	uint64_t tpidr;
};
#endif

#define A64_CTX_SP    248
#define A64_CTX_PC    256
#define A64_CTX_SPSR  264
#define A64_CTX_FPCR  272
#define A64_CTX_V     288
#define A64_CTX_TPIDR 800
#define A64_CTX_SIZE  816

#endif
