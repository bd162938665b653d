/* The simulator's seccomp-BPF filters (sim/include/sim/confine.h). A
 * filter is built on the caller's stack (the spawn filter runs in a forked
 * child: no allocation) as a list of rules, each "if the system call is N:
 * return this", the first match winning:
 *   - the architecture must be the host's, and no x32 numbers (x86_64);
 *   - ALLOW / ERRNO(e) / KILL for a number;
 *   - SELF: allowed only if the first argument is our own pid (signals).
 * Seccomp and its BPF: Documentation/userspace-api/seccomp_filter.rst. */
#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sim/confine.h>

#define KILL	SECCOMP_RET_KILL_PROCESS
#define ALLOW	SECCOMP_RET_ALLOW
#define ERR(e)	(SECCOMP_RET_ERRNO | ((e)&SECCOMP_RET_DATA))
#define SELF	SIM_SECCOMP_SELF
#define MAX_INS 256

typedef struct sim_seccomp_rule rule_t;

struct prog {
	struct sock_filter ins[MAX_INS];
	unsigned n;
};

static void put(struct prog *p, struct sock_filter i)
{
	if (p->n < MAX_INS)
		p->ins[p->n] = i;
	p->n++;
}

static void load_nr(struct prog *p)
{
	put(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
}

/* Little-endian hosts: the low word of args[0] first. */
static void load_arg0(struct prog *p, unsigned high)
{
	put(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					    offsetof(struct seccomp_data, args[0]) + 4 * high));
}

static void ret(struct prog *p, uint32_t action)
{
	put(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action));
}

/* if (A == k) next else skip `skip` instructions */
static void if_eq(struct prog *p, uint32_t k, uint8_t skip)
{
	put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, skip));
}

static void rules(struct prog *p, const rule_t *r, size_t n, pid_t self)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].action != SELF) {
			if_eq(p, (uint32_t)r[i].nr, 1);
			ret(p, r[i].action);
			continue;
		}
		if_eq(p, (uint32_t)r[i].nr, 6);
		load_arg0(p, 0);
		put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)self, 0, 3));
		load_arg0(p, 1);
		put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1));
		ret(p, ALLOW);
		ret(p, KILL);
	}
}

static int install(const rule_t *r, size_t n, const rule_t *host, size_t nhost, pid_t self,
		   uint32_t otherwise, unsigned flags)
{
	struct prog p = {.n = 0};
	struct sock_fprog fp;

	put(&p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	put(&p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sim_audit_arch, 1, 0));
	ret(&p, KILL);
	load_nr(&p);
	put(&p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1)); /* x32 */
	ret(&p, KILL);
	rules(&p, r, n, self);
	rules(&p, host, nhost, self);
	ret(&p, otherwise);
	if (p.n > MAX_INS) {
		errno = E2BIG;
		return -1;
	}
	fp.len = (unsigned short)p.n;
	fp.filter = p.ins;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp);
}

/* Reaching other processes; in both filters. */
#define OTHERS                                                                                               \
	{SYS_ptrace, KILL}, {SYS_process_vm_readv, KILL}, {SYS_process_vm_writev, KILL}, {SYS_kcmp, KILL},   \
		{SYS_pidfd_open, KILL}, {SYS_pidfd_getfd, KILL}, {SYS_pidfd_send_signal, KILL},              \
		{SYS_kill, SELF}, {SYS_tkill, SELF}, {SYS_tgkill, SELF}, {SYS_rt_sigqueueinfo, SELF},        \
		{SYS_rt_tgsigqueueinfo, SELF}, {SYS_setns, KILL}, {SYS_unshare, KILL}, {SYS_mount, KILL},    \
		{SYS_umount2, KILL}, {SYS_bpf, KILL},                                                        \
	{                                                                                                    \
		SYS_perf_event_open, KILL                                                                    \
	}

int sim_confine_spawn(pid_t self)
{
	static const rule_t r[] = {OTHERS};

	return install(r, sizeof r / sizeof r[0], NULL, 0, self, ALLOW, 0);
}

int sim_confine_shard(pid_t self)
{
	static const rule_t r[] = {
		OTHERS,
		/* The runtime (futex mailbox), the fault handler, a sanitizer's
		 * allocator and reports; own memory and own descriptors only
		 * (every grant is mapped and its descriptor closed by now). */
		{SYS_futex, ALLOW},
		{SYS_exit, ALLOW},
		{SYS_exit_group, ALLOW},
		{SYS_rt_sigreturn, ALLOW},
		{SYS_rt_sigprocmask, ALLOW},
		{SYS_rt_sigaction, ALLOW},
		{SYS_rt_sigsuspend, ALLOW},
		{SYS_sigaltstack, ALLOW},
		{SYS_ppoll, ALLOW},
		{SYS_read, ALLOW},
		{SYS_write, ALLOW},
		{SYS_writev, ALLOW},
		{SYS_close, ALLOW},
		{SYS_fstat, ALLOW},
		{SYS_mmap, ALLOW},
		{SYS_munmap, ALLOW},
		{SYS_mprotect, ALLOW},
		{SYS_madvise, ALLOW},
		{SYS_mremap, ALLOW},
		{SYS_brk, ALLOW},
		{SYS_getpid, ALLOW},
		{SYS_gettid, ALLOW},
		{SYS_getppid, ALLOW},
		{SYS_sched_yield, ALLOW},
		{SYS_sched_getaffinity, ALLOW},
		{SYS_clock_gettime, ALLOW},
		{SYS_clock_getres, ALLOW},
		{SYS_gettimeofday, ALLOW},
		{SYS_clock_nanosleep, ALLOW},
		{SYS_nanosleep, ALLOW},
		{SYS_getrandom, ALLOW},
		{SYS_restart_syscall, ALLOW},
		/* Refused, not fatal: a sanitizer's report tries some of these
		 * (its symbolizer, /proc/self/maps) and carries on without. */
		{SYS_openat, ERR(EACCES)},
		{SYS_openat2, ERR(EACCES)},
		{SYS_readlinkat, ERR(EACCES)},
		{SYS_newfstatat, ERR(EACCES)},
		{SYS_statx, ERR(EACCES)},
		{SYS_faccessat, ERR(EACCES)},
		{SYS_faccessat2, ERR(EACCES)},
		{SYS_socket, ERR(EACCES)},
		{SYS_ioctl, ERR(ENOTTY)},
		{SYS_prctl, ERR(EPERM)},
		{SYS_prlimit64, ERR(EPERM)},
		{SYS_clone, ERR(EPERM)},
		{SYS_clone3, ERR(EPERM)},
		{SYS_execve, ERR(EPERM)},
		{SYS_execveat, ERR(EPERM)},
	};

	/* TSYNC: every thread of the process at once, a multi-core shard's
	 * lane threads included (they exist already: shard/start.c). */
	return install(r, sizeof r / sizeof r[0], sim_host_shard_rules, sim_host_nshard_rules, self, KILL,
		       SECCOMP_FILTER_FLAG_TSYNC);
}
