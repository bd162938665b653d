/* Entry of the portable shard runtime. A platform's `_tess_start(reason)`
 * (assembly on targets, a C main() in the simulator) sets up the stack and
 * jumps here; it never returns. */
#ifndef TESSERA_RUNTIME_H
#define TESSERA_RUNTIME_H

#include <tessera/abi.h>

void tess_runtime_main(enum tess_start_reason why) __attribute__((noreturn));

/* Poll turns a notified shard with nothing to do takes before it arms its
 * rings and sleeps (YIELD WAIT). Undefined (the targets): none, it sleeps
 * at once. A platform where a sleep and its wake-up cost far more than a
 * poll turn defines it (the simulator: sim/shard/syscall.c). A function,
 * not a constant: a weak undefined object's load may be hoisted above the
 * test of its address. */
unsigned tess_idle_polls(void) __attribute__((weak));

#endif
