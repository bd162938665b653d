/* What the simulator needs to know of an AArch64 host: its seccomp
 * architecture (sim/confine.c); it has only the generic system calls. */
#include <linux/audit.h>
#include <sim/confine.h>

const uint32_t sim_audit_arch = AUDIT_ARCH_AARCH64;
const struct sim_seccomp_rule sim_host_shard_rules[1];
const unsigned sim_host_nshard_rules = 0;
