/* Entry of the portable shard runtime. A platform's `_tess_start(reason)`
 * (assembly on targets, a C main() in the simulator) sets up the stack and
 * jumps here; it never returns. */
#ifndef TESSERA_RUNTIME_H
#define TESSERA_RUNTIME_H

#include <tessera/abi.h>

void tess_runtime_main(enum tess_start_reason why) __attribute__((noreturn));

#endif
