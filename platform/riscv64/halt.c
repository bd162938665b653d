/* Stopping every hart (plat_halt_all, panics; platform/common/halt.c).
 * Each started core is sent an IPI: in U-mode it traps at once, in
 * plat_idle its wfi ends, and both paths check tess_halting and park; the
 * SSIP stays pending until then, so a core busy in the kernel parks at its
 * next shard entry. */
#include <kern/arch.h>
#include <plat/halt.h>
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/sbi.h>

/* A real function (never inlined): tests/qemu/test_panic.py checks that
 * every hart's pc ends up inside it. */
__attribute__((noinline)) _Noreturn void rv_park(void)
{
	csr_write(sie, 0);
	__atomic_store_n(&rv_this_cpu()->parked, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("wfi");
}

bool arch_core_parked(unsigned core)
{
	return core < TESS_MAX_CORES && __atomic_load_n(&rv_cpus[core].parked, __ATOMIC_ACQUIRE);
}

void arch_halt_ipi(unsigned core)
{
	sbi_send_ipi_one(rv_cpus[core].hartid);
}

/* Up to 100 ms for the others to park. */
void rv_stop_others(void)
{
	tess_stop_others(rv_this_cpu()->core, 100000000);
}

_Noreturn void plat_halt_all(void)
{
	rv_stop_others();
	rv_park();
}
