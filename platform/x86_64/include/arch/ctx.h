/* x86_64: the saved ring-3 context of one shard (kern/ stores it, never looks
 * inside). Layout is shared with entry.S: the X86_CTX_* offsets below are
 * the only truth, and trap.c checks them with _Static_assert.
 *
 * The FPU/SIMD state lives in `xsave` (XSAVE layout, Intel SDM Vol. 1
 * §13.4; the legacy 512-byte FXSAVE region is its first part, §10.5.1) and
 * is saved only once the shard has used the FPU (fpu.c, lazy via CR0.TS). */
#ifndef ARCH_CTX_H
#define ARCH_CTX_H

#define X86_CTX_RAX	0
#define X86_CTX_RBX	8
#define X86_CTX_RCX	16
#define X86_CTX_RDX	24
#define X86_CTX_RSI	32
#define X86_CTX_RDI	40
#define X86_CTX_RBP	48
#define X86_CTX_RSP	56
#define X86_CTX_R8	64
#define X86_CTX_R9	72
#define X86_CTX_R10	80
#define X86_CTX_R11	88
#define X86_CTX_R12	96
#define X86_CTX_R13	104
#define X86_CTX_R14	112
#define X86_CTX_R15	120
#define X86_CTX_RIP	128
#define X86_CTX_RFLAGS	136
#define X86_CTX_SYSRET	144 /* 1: entered by syscall, may leave by sysret */
#define X86_CTX_XSAVE	192
#define X86_XSAVE_BYTES 3072 /* x87+SSE+AVX+AVX-512 (2696 on current CPUs) fit */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The data segment selectors (trap.c: kept per shard). */
struct x86_segs {
	uint16_t ds, es, fs, gs;
};

struct arch_ctx {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t sysret;
	uint64_t fp_used; /* the shard has FPU/SIMD state worth keeping */
	struct x86_segs segs;
	uint64_t pad[3];
	_Alignas(64) uint8_t xsave[X86_XSAVE_BYTES];
};
#endif

#endif
