/* Asking the other cores to park (plat/halt.h). The wait is bounded by the
 * kernel clock; before the clock runs (plat_time_ns() == 0) no other core
 * has been started, so there is nothing to wait for. */
#include <tessera/limits.h>
#include <kern/arch.h>
#include <plat/halt.h>

volatile bool tess_halting;

void tess_stop_others(unsigned self, uint64_t wait_ns)
{
	tess_halting = true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		if (c != self && arch_core_started(c))
			arch_halt_ipi(c);
	uint64_t t0 = plat_time_ns();
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		while (c != self && arch_core_started(c) && !arch_core_parked(c))
			if (plat_time_ns() - t0 >= wait_ns)
				return;
}
