/* Stopping every hart (plat_halt_all, panics). Each started core is sent
 * an IPI: in U-mode it traps at once, in plat_idle its wfi ends, and both
 * paths check rv_halting and park; the SSIP stays pending until then, so a
 * core busy in the kernel parks at its next shard entry. */
#include <kern/arch.h>
#include <rv/csr.h>
#include <rv/plat.h>
#include <rv/sbi.h>

volatile bool rv_halting;

/* A real function (never inlined): tests/qemu/test_panic.py checks that
 * every hart's pc ends up inside it. */
__attribute__((noinline)) _Noreturn void rv_park(void)
{
	csr_write(sie, 0);
	__atomic_store_n(&rv_this_cpu()->parked, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("wfi");
}

void rv_stop_others(void)
{
	struct rv_cpu *self = rv_this_cpu();
	rv_halting = true;
	__asm__ volatile("fence rw, rw" ::: "memory");
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		if (rv_core_started(c) && &rv_cpus[c] != self)
			sbi_send_ipi_one(rv_cpus[c].hartid);
	/* Bounded: a core spinning in the kernel (say, on a lock the caller
	 * holds) never parks; give up after ~100 ms. */
	uint64_t t0 = csr_read(time), limit = rv_board.timebase_hz ? rv_board.timebase_hz / 10 : 1000000;
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		while (rv_core_started(c) && &rv_cpus[c] != self &&
		       !__atomic_load_n(&rv_cpus[c].parked, __ATOMIC_ACQUIRE))
			if (csr_read(time) - t0 > limit)
				return;
}

_Noreturn void plat_halt_all(void)
{
	rv_stop_others();
	rv_park();
}
