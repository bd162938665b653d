/* Entry points below kern_boot()/kern_core_main() for callers that need to
 * drive the kernel step by step: unit tests and the simulator. */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <stdbool.h>
#include <tessera/tables.h>

/* kern_boot() on explicit tables (kern_boot() uses tess_system). Resets all
 * kernel state first, so tests may boot several systems in a row. */
int kern_boot_cfg(const struct tess_system_cfg *sys);

/* One scheduling decision of `core`: dispatch the next runnable shard and
 * handle its traps until its turn ends (true), or call plat_idle (false).
 * kern_core_main(core) is `for (;;) kern_core_step(core);`. */
bool kern_core_step(unsigned core);

#endif
