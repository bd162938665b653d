/* SHA-256 compression with the scalar cryptography extension Zknh
 * (sha256sum0/sum1/sig0/sig1: Sigma0, Sigma1, sigma0, sigma1 of FIPS 180-4
 * 4.1.2 in one instruction each; RISC-V Scalar Cryptography v1.0.1 ch. 2)
 * and Zbb (rev8 for the big-endian message words). This file alone is built
 * with both (CMakeLists.txt): arch_sha256 offers it only when every hart's
 * riscv,isa in the device tree names both (dtb.c). The loop is the portable
 * one (kern/image/sha256_loop.h) with these functions in place. */
#include <plat/load.h>
#include <rv/plat.h>
#include "../../kern/image/sha256_loop.h"

/* On RV64 the instructions read the low 32 bits (whatever is above) and
 * sign-extend their result. */
#define ZKNH(op)                                                                                             \
	static inline uint32_t op(uint32_t x)                                                                \
	{                                                                                                    \
		uint32_t r;                                                                                  \
		__asm__(#op " %0, %1" : "=r"(r) : "r"(x));                                                   \
		return r;                                                                                    \
	}
ZKNH(sha256sum0)
ZKNH(sha256sum1)
ZKNH(sha256sig0)
ZKNH(sha256sig1)

/* An aligned big-endian word: lw, rev8 (Zbb) and a shift. */
static inline uint32_t be32(const uint8_t *p)
{
	uint32_t w;

	__builtin_memcpy(&w, __builtin_assume_aligned(p, 4), 4);
	return __builtin_bswap32(w);
}

/* Blocks are word aligned in the image and in the hash state's buffer; a
 * caller's misaligned one is copied first (the hart may trap on a
 * misaligned lw). */
static void zknh_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	for (; n; n--, p += 64) {
		uint32_t copy[16];
		const uint8_t *b = p;

		if ((uintptr_t)p & 3) {
			__builtin_memcpy(copy, p, 64);
			b = (const uint8_t *)copy;
		}
		sha256_loop(h, b, 1, sha256sum0, sha256sum1, sha256sig0, sha256sig1, be32);
	}
}

sha256_blocks_fn *arch_sha256(const char **what)
{
	if (!rv_board.zknh_zbb)
		return 0;
	*what = "Zknh instructions";
	return zknh_blocks;
}
