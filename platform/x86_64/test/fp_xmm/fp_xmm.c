/* fp_xmm: the x86_64 counterpart of shards/examples/fp_check
 * (tests/qemu/manifests/faults-x86_64.yaml). The SysV x86-64 ABI has no
 * callee-saved SSE registers, so fp_check's doubles live on the stack
 * across its yields; here xmm8-xmm15 hold this shard's values while the
 * other shards of the core run (the yield is issued from the same asm
 * block) and are checked afterwards. Two instances on one core catch a
 * kernel that lets one shard's FPU/SIMD registers leak into another's.
 * Logs "fp ok <n>" every 500 rounds, "fp state lost: ..." on a mismatch. */
#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define FP_LOG_EVERY 500u

static unsigned long long rounds;

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)", why);
}

void shard_poll(void)
{
	uint64_t in = 0x1111111111111111ull * (tess_self.id + 1) + rounds, out[8];
	uint64_t nr = TESS_SYS_YIELD;
	__asm__ volatile("movq %[v], %%xmm8\n"
			 "movq %[v], %%xmm9\n"
			 "movq %[v], %%xmm10\n"
			 "movq %[v], %%xmm11\n"
			 "movq %[v], %%xmm12\n"
			 "movq %[v], %%xmm13\n"
			 "movq %[v], %%xmm14\n"
			 "movq %[v], %%xmm15\n"
			 "syscall\n" /* TESS_SYS_YIELD, TESS_YIELD_POLL */
			 "movq %%xmm8, 0(%[o])\n"
			 "movq %%xmm9, 8(%[o])\n"
			 "movq %%xmm10, 16(%[o])\n"
			 "movq %%xmm11, 24(%[o])\n"
			 "movq %%xmm12, 32(%[o])\n"
			 "movq %%xmm13, 40(%[o])\n"
			 "movq %%xmm14, 48(%[o])\n"
			 "movq %%xmm15, 56(%[o])\n"
			 : "+a"(nr)
			 : [v] "r"(in), [o] "r"(out), "D"((uint64_t)TESS_YIELD_POLL)
			 : "rcx", "r11", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
			   "memory");
	for (unsigned i = 0; i < 8; i++) {
		if (out[i] != in) {
			tess_log("fp state lost: xmm%u = 0x%llx, not 0x%llx", 8 + i,
				 (unsigned long long)out[i], (unsigned long long)in);
			return;
		}
	}
	if (++rounds % FP_LOG_EVERY == 0)
		tess_log("fp ok %llu", rounds);
}
