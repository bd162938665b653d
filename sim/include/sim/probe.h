/* Observation points of the simulator's kernel side, for measurements that
 * are not the simulator's job. The implementation is picked by which file
 * is compiled in: sim/CMakeLists.txt links bench/sim_stall.c (what a hot
 * reload costs the other shards of the swapped shard's core; its lines end
 * the run's report, bench/sim_reload.py and tests/reload read them). */
#ifndef SIM_PROBE_H
#define SIM_PROBE_H

#include <stdint.h>
#include <tessera/tables.h>

/* Before the cores start. */
void sim_probe_init(void);
/* On the shard's core thread: its entry starts (the turn after a YIELD, or
 * its first), it yields, and a hot reload's install switched it to the new
 * version (which took `install_ns` on the core). */
void sim_probe_entry(const struct tess_shard_cfg *cfg, uint64_t now);
void sim_probe_yield(const struct tess_shard_cfg *cfg, uint64_t now);
void sim_probe_install(const struct tess_shard_cfg *cfg, uint64_t install_ns);
/* At the end of the run, every core parked: print what was measured. */
void sim_probe_report(void);

#endif
