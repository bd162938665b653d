/* Stopping every core (plat_halt_all, kernel panics), shared by the target
 * platforms (platform/common/halt.c). Each other started core gets the
 * platform's halt IPI; taken in a shard or in plat_idle, or seen through
 * tess_halting on its way into one, it parks in the platform's park
 * function (the arch table's park_function: one real function every
 * halted core ends in, tests/qemu/test_panic.py). */
#ifndef PLAT_HALT_H
#define PLAT_HALT_H

#include <stdbool.h>
#include <stdint.h>

/* Set before the halt IPIs go out: a core that sees it parks. */
extern volatile bool tess_halting;

/* Ask every other started core to park and wait until each has, for at
 * most `wait_ns` (0: do not wait): a core spinning in the kernel with
 * interrupts off never parks. `self` is the caller's core. */
void tess_stop_others(unsigned self, uint64_t wait_ns);

/* ---- implemented by each target platform ---- */

/* Core `core` runs the kernel (it was started). */
bool arch_core_started(unsigned core);
/* Core `core` sits in the park function. */
bool arch_core_parked(unsigned core);
/* Send core `core` the interrupt that makes it park. */
void arch_halt_ipi(unsigned core);

#endif
