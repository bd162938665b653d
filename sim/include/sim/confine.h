/* Confining shard processes (sim/confine.c; docs/simulator.md
 * "Isolation"): seccomp-BPF filters, shared by the simulator (before it
 * execs a shard) and the shard backend (once the shard has mapped its
 * grants). Both return 0, or -1 with errno set. */
#ifndef SIM_CONFINE_H
#define SIM_CONFINE_H

#include <errno.h>
#include <stdint.h>
#include <linux/seccomp.h>
#include <sys/types.h>

/* A filter rule: what system call `nr` gets (SECCOMP_RET_*, or
 * SIM_SECCOMP_SELF: allowed only with our own pid as first argument). */
struct sim_seccomp_rule {
	long nr;
	uint32_t action;
};
#define SIM_SECCOMP_SELF 0xffffffffu

/* What differs per host (host_<arch>.c): its seccomp architecture
 * (AUDIT_ARCH_*), and the shard filter's rules for the system calls only
 * that host has (x86-64's open, stat, fork...). */
extern const uint32_t sim_audit_arch;
extern const struct sim_seccomp_rule sim_host_shard_rules[];
extern const unsigned sim_host_nshard_rules;

/* Installed in the child before exec, inherited from then on: nothing may
 * reach another process (ptrace, process_vm_*, pidfd_*, signals to any
 * pid but `self`, namespaces, mounts, bpf). Everything else is allowed, as
 * a freshly exec'd program (its loader, a sanitizer's start-up) needs. */
int sim_confine_spawn(pid_t self);

/* Installed by the shard process itself once it has mapped its grants and
 * closed every other descriptor, before its first turn: an allow-list of
 * what a running shard (its runtime, the fault handler, a sanitizer's
 * allocator and reports) uses. Opening files, making processes or threads,
 * sockets, ioctl and prctl fail (EACCES, EPERM, ENOTTY); anything not on
 * the list kills the process (SIGSYS), which the kernel sees as a fault and
 * answers with the shard's policy. */
int sim_confine_shard(pid_t self);

#endif
