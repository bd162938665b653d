/* fp_check: a polling shard that keeps floating-point values live across
 * its own yields (the compiler holds them in callee-saved FP registers
 * across the call) and checks them afterwards. Two instances on one core
 * catch a kernel that lets one shard's FP/SIMD registers leak into
 * another's. Logs "fp ok <n>" every FP_LOG_EVERY rounds and
 * "fp state lost: ..." on a mismatch. Small integers: exact in double.
 * Where the platform's shard backend names the thread register EL0/U-mode
 * may write (tess_probe_tp_set/get: aarch64 TPIDR_EL0, riscv64 tp), it
 * holds a value of its own across the same yields, "tp state lost: ..."
 * (once) otherwise. */
#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define FP_LOG_EVERY 500u

extern void tess_probe_tp_set(uint64_t v) __attribute__((weak));
extern uint64_t tess_probe_tp_get(void) __attribute__((weak));

static unsigned long long rounds;
static unsigned tp_lost; /* logged once */

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)%s", why, tess_probe_tp_set ? ", checking the thread register" : "");
}

void shard_poll(void)
{
	double base = 16.0 * (tess_self.id + 1);
	double a = base, b = 2 * base, c = 3 * base, d = 4 * base;
	uint64_t tp = 0x7e570000u + tess_self.id;

	if (tess_probe_tp_set)
		tess_probe_tp_set(tp);
	for (unsigned i = 0; i < 4; i++) {
		/* The other shards of this core run here. */
		tess_syscall(TESS_SYS_YIELD, TESS_YIELD_POLL, 0, 0, 0);
		/* Different operations, so the compiler keeps four scalars
		 * (callee-saved d8-d15) rather than one spilled vector. */
		a += 1.0;
		b *= 2.0;
		c -= 3.0;
		d *= 0.5;
	}
	if (tess_probe_tp_get && tess_probe_tp_get() != tp && !tp_lost++)
		tess_log("tp state lost: 0x%llx, not 0x%llx", (unsigned long long)tess_probe_tp_get(),
			 (unsigned long long)tp);
	if (a != base + 4 || b != 32 * base || c != 3 * base - 12 || d != base / 4) {
		tess_log("fp state lost: %d %d %d %d (base %d)", (int)a, (int)b, (int)c, (int)d, (int)base);
		return;
	}
	if (++rounds % FP_LOG_EVERY == 0)
		tess_log("fp ok %llu", rounds);
}
