/* riscv64: the saved user context of one shard (kern/ stores it, never looks
 * inside). Layout is shared with vectors.S: the RV_CTX_* offsets below are
 * the only truth, and ctx.c checks them with _Static_assert. */
#ifndef ARCH_CTX_H
#define ARCH_CTX_H

#ifndef __ASSEMBLER__
#include <stdint.h>

struct arch_ctx {
	/* x[0] holds no register (x0 is hard-wired zero); x[1..31] = ra..t6. */
	uint64_t x[32];
	uint64_t pc;   /* sepc to resume at */
	uint64_t ksp;  /* kernel sp while the shard runs (vectors.S) */
	uint64_t satp; /* the shard's address space, set by arch_ctx_init */
	uint64_t fp_used;
	/* f0-f31 and fcsr, saved only once the shard dirtied its FP state
	 * (sstatus.FS, priv spec v1.12 §3.1.6.6 / §4.1.1). */
	uint64_t f[32];
	uint64_t fcsr;
};
#endif

#define RV_CTX_X(n) ((n)*8)
#define RV_CTX_PC   (32 * 8)
#define RV_CTX_KSP  (33 * 8)
#define RV_CTX_SATP (34 * 8)
#define RV_CTX_F(n) ((36 + (n)) * 8)
#define RV_CTX_FCSR (68 * 8)

#endif
