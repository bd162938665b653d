/* FIPS 180-4 6.2.2, the compression loop, for a C implementation that
 * brings its own functions of 4.1.2 (Sigma0, Sigma1, sigma0, sigma1) and
 * big-endian word load: kern/image/sha256.c with shifts and rotations, a
 * CPU with scalar SHA-256 instructions with one instruction each
 * (platform/riscv64/sha256_zknh.c). Always inlined, so each caller gets
 * its own loop with the functions in place. */
#ifndef KERN_IMAGE_SHA256_LOOP_H
#define KERN_IMAGE_SHA256_LOOP_H

#include "sha256.h"

typedef uint32_t sha256_fn(uint32_t x);

/* One round (6.2.2 step 3) with the eight working variables in the roles
 * a..h: Ch(e,f,g) and Maj(a,b,c) of 4.1.2 in fewer operations; d and h
 * are updated in place, so eight rounds with the roles shifted by one
 * each need no register moves (sha256_loop). */
static inline __attribute__((always_inline)) void sha256_round(uint32_t a, uint32_t b, uint32_t c,
							       uint32_t *d, uint32_t e, uint32_t f,
							       uint32_t g, uint32_t *h, uint32_t kw,
							       sha256_fn *sum0, sha256_fn *sum1)
{
	uint32_t t1 = *h + sum1(e) + (g ^ (e & (f ^ g))) + kw;

	*d += t1;
	*h = t1 + sum0(a) + ((a & b) | (c & (a | b)));
}

static inline __attribute__((always_inline)) void sha256_loop(uint32_t h[8], const uint8_t *p, size_t n,
							      sha256_fn *sum0, sha256_fn *sum1,
							      sha256_fn *sig0, sha256_fn *sig1,
							      uint32_t (*be32)(const uint8_t *))
{
	for (; n; n--, p += 64) {
		uint32_t w[64];

		for (unsigned t = 0; t < 16; t++)
			w[t] = be32(p + 4 * t);
		for (unsigned t = 16; t < 64; t++)
			w[t] = sig1(w[t - 2]) + w[t - 7] + sig0(w[t - 15]) + w[t - 16];
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
		for (unsigned t = 0; t < 64; t += 8) {
			const uint32_t *k = sha256_k + t, *x = w + t;

			sha256_round(a, b, c, &d, e, f, g, &hh, k[0] + x[0], sum0, sum1);
			sha256_round(hh, a, b, &c, d, e, f, &g, k[1] + x[1], sum0, sum1);
			sha256_round(g, hh, a, &b, c, d, e, &f, k[2] + x[2], sum0, sum1);
			sha256_round(f, g, hh, &a, b, c, d, &e, k[3] + x[3], sum0, sum1);
			sha256_round(e, f, g, &hh, a, b, c, &d, k[4] + x[4], sum0, sum1);
			sha256_round(d, e, f, &g, hh, a, b, &c, k[5] + x[5], sum0, sum1);
			sha256_round(c, d, e, &f, g, hh, a, &b, k[6] + x[6], sum0, sum1);
			sha256_round(b, c, d, &e, f, g, hh, &a, k[7] + x[7], sum0, sum1);
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
	}
}

#endif
