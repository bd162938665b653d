/* What the simulator needs to know of an x86-64 host: its seccomp
 * architecture, and the shard filter's rules for the system calls x86-64
 * has beside the generic ones (sim/confine.c). */
#include <errno.h>
#include <linux/audit.h>
#include <sys/syscall.h>
#include <sim/confine.h>

const uint32_t sim_audit_arch = AUDIT_ARCH_X86_64;

#define ERR(e) (SECCOMP_RET_ERRNO | (e))

const struct sim_seccomp_rule sim_host_shard_rules[] = {
	{SYS_pause, SECCOMP_RET_ALLOW}, /* the fault handler's wait */
	{SYS_open, ERR(EACCES)},	{SYS_creat, ERR(EACCES)}, {SYS_readlink, ERR(EACCES)},
	{SYS_stat, ERR(EACCES)},	{SYS_lstat, ERR(EACCES)}, {SYS_access, ERR(EACCES)},
	{SYS_fork, ERR(EPERM)},		{SYS_vfork, ERR(EPERM)},
};
const unsigned sim_host_nshard_rules = sizeof sim_host_shard_rules / sizeof sim_host_shard_rules[0];
