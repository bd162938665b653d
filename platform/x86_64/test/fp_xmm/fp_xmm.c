/* fp_xmm: the x86_64 counterpart of shards/examples/fp_check
 * (tests/qemu/manifests/faults-x86_64.yaml). The SysV x86-64 ABI has no
 * callee-saved SSE registers, so fp_check's doubles live on the stack
 * across its yields; here xmm8-xmm15 hold this shard's values while the
 * other shards of the core run (the yield is issued from the same asm
 * block) and are checked afterwards. Two instances on one core catch a
 * kernel that lets one shard's FPU/SIMD registers leak into another's.
 * Logs "fp ok <n>" every 500 rounds, "fp state lost: ..." on a mismatch.
 *
 * The same yields check what x86_64 has for fp_check's thread register:
 * the data segment selectors, which CPL 3 may load (FS.base and GS.base
 * it may not set). One instance keeps DS, ES, FS and GS null, the other
 * at its stack's selector (SS, the user data selector); each must find
 * its own again, "selector state lost: ..." (once) otherwise. */
#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define FP_LOG_EVERY 500u

static unsigned long long rounds;
static unsigned segs_lost; /* logged once */

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), checking the segment selectors", why);
}

static void segs_set(uint16_t sel)
{
	__asm__ volatile("movw %0, %%ds\n movw %0, %%es\n movw %0, %%fs\n movw %0, %%gs" ::"r"(sel));
}

/* DS, ES, FS and GS must all be `sel`; the first that is not is logged
 * (once per start). */
static void segs_check(uint16_t sel)
{
	static const char *const names[4] = {"ds", "es", "fs", "gs"};
	uint16_t v[4];

	__asm__ volatile("movw %%ds, %0\n movw %%es, %1\n movw %%fs, %2\n movw %%gs, %3"
			 : "=m"(v[0]), "=m"(v[1]), "=m"(v[2]), "=m"(v[3]));
	for (unsigned i = 0; i < 4 && !segs_lost; i++)
		if (v[i] != sel) {
			tess_log("selector state lost: %s = 0x%x, not 0x%x", names[i], (unsigned)v[i],
				 (unsigned)sel);
			segs_lost = 1;
		}
}

void shard_poll(void)
{
	uint64_t in = 0x1111111111111111ull * (tess_self.id + 1) + rounds, out[8];
	uint64_t nr = TESS_SYS_YIELD;
	uint16_t sel = 0;

	if (tess_self.id & 1)
		__asm__ volatile("movw %%ss, %0" : "=r"(sel));
	segs_set(sel);
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
	segs_check(sel);
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
