/* Private to the simulator's kernel side (tessera-sim). */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <kern/arch.h>
#include <tessera/tables.h>
#include <sim/mailbox.h>

/* Board `host`: RAM is one memfd, "physical address" = offset in it. */
#define SIM_RAM_MIN (256u << 20)

/* One shard's host process. Only the core thread that owns the shard
 * touches this after boot (the end of the run, once every core is parked),
 * except `prep`, which the console thread fills and the core thread takes
 * at the install (the swap request orders the hand-over), and `retired`. */
struct sim_shard {
	const struct tess_shard_cfg *cfg;
	pid_t pid;   /* 0: no process */
	bool turned; /* the process has had its first turn */
	struct sim_mailbox *mb;
	unsigned slot;	      /* mailbox slot (0/1) of `pid`, see sim_mailbox() */
	char mbox_arg[2][16]; /* argv[1] of a process on slot 0 / 1: its mailbox slot */
	char path[4096];      /* executable shard_<name> */
	int exe_fd;	      /* memfd of the committed executable */
	int trial_fd;	      /* reload.c: a hot reload's executable on trial, or -1 */
	/* reload.c: a hot reload's new process, spawned ahead of the install
	 * on the other mailbox slot, waiting for its first turn. */
	struct {
		_Atomic pid_t pid; /* 0: none */
		int fd;		   /* its executable (memfd), or -1 */
		unsigned slot;
	} prep;
	/* The process an install replaced: killed and reaped off the core. */
	_Atomic pid_t retired;
};

extern struct sim_shard sim_shards[TESS_MAX_SHARDS];

/* Files call downwards in the order listed here (main.c drives, leaves
 * last); none calls main.c. kern/ reaches them only through the hooks of
 * kern/arch.h. */

/* report.c: counting at the sinks, and the end-of-run tables. */
void sim_report(uint64_t elapsed_ns);
uint64_t sim_sink_messages(void);
int sim_has_sinks(void);
int sim_all_halted(void);

/* console.c: the console queue's writer thread (before kern_boot), and
 * emitting what is queued now (before other stdout lines, at the end). */
int sim_console_start(void);
void sim_console_flush(void);

/* port.c: --console-port (TCP console, reload RX). */
int sim_port_open(unsigned port);
int sim_port_start(void); /* after kern_boot() */
/* One console unit (a kern/ line or frame): kernel units always, shard
 * lines while the client keeps up (else dropped and counted). */
void sim_port_write(const char *s, size_t n);
void sim_port_report(void); /* lines dropped, per shard (end of the run) */

/* devices.c: the board's devices from the command line (transports,
 * network devices behind them); dev/ holds the models (dev/dev.h). The
 * option parsers return 0, or -1 for a bad value. */
int sim_devices_transport(const char *spec); /* NAME,PA,IRQ */
int sim_devices_net(const char *spec);	     /* NAME=local=H:P,remote=H:P[,mac=M] */
int sim_devices_misbehave(const char *spec); /* KIND[:N] */
int sim_devices_init(void);		     /* after sim_ram_init, before kern_boot */
int sim_devices_start(void);		     /* after kern_boot */
void sim_devices_stop(void);		     /* the end of the run, cores parked */
void sim_devices_report(void);

/* run.c implements kern/arch.h's arch_* hooks (a shard's turn) and
 * exports nothing else. */

/* mmio.c: the bus. A window (dev/dev.h) before the cores start. */
struct sim_mmio_dev;
int sim_mmio_add(const struct sim_mmio_dev *d);
/* Serve the device access shard `cfg` posted in `mb`: true and the value
 * read, or false and `t` is the shard's fault. */
bool sim_mmio_serve(const struct tess_shard_cfg *cfg, const struct sim_mailbox *mb, uint64_t *val,
		    struct trap *t);

/* load.c: the shard table (after sim_ram_init) and the end of the run. */
int sim_shards_init(void);
void sim_shards_kill(void);

/* reload.c: hot reload (plat_shard_prepare/install/commit). */
/* Drop the shard's trial image (any start from the committed one). */
void sim_reload_drop_trial(struct sim_shard *sh);
/* Kill a prepared process nobody took (the end of the run). */
void sim_reload_drop_prepared(struct sim_shard *sh);
/* Kill retired processes and reap those that died (off the cores, any
 * time); with `wait`, wait until each has died. */
void sim_reap_retired(bool wait);

/* proc.c: shard processes. */
int sim_proc_init(void); /* before any thread exists */
/* A new process of the shard from executable `exe` (a memfd) on mailbox
 * `slot`, pinned to its core's host CPU or not; returns once it has mapped
 * its memory (its pid), or -1 (nothing left behind). */
pid_t sim_spawn_process(struct sim_shard *sh, int exe, unsigned slot, bool pin);
/* The shard's process anew from `exe` on its current slot, pinned, after
 * killing and reaping the old one. 0, or -1. */
int sim_respawn(struct sim_shard *sh, int exe);
/* Kill and reap a process now. */
void sim_reap(pid_t pid);
/* Pin a process to the host CPU of simulated `core`. */
void sim_pin(pid_t pid, unsigned core);

/* image.c: executables in memfds. */
int sim_image_fd(const char *name, const void *p, size_t n); /* a memfd holding p, or -1 */
/* ident.c: what `tessera inspect system` shows (kern/inspect.h) */
void sim_ident_init(void);
void sim_ident_part(const char *name, const void *p, size_t n);
int sim_image_from_file(const char *name, const char *path); /* a memfd copy, or -1 */

/* irq.c: device interrupt lines (sim_irq_set is dev/dev.h's). A line for
 * platform interrupt `irq`, before the cores start: its index, or -1. */
int sim_irq_line(uint32_t irq);
/* On core `core`'s thread: a pending line of this core, now masked. */
bool sim_irq_take(unsigned core, uint32_t *irq);

/* cores.c */
void sim_cores_init(void);
unsigned sim_host_cpu(unsigned core);
/* On a core thread: sleep while *w == val, until woken by its writer, an
 * IPI or the core's tick. */
void sim_core_wait(unsigned core, _Atomic uint32_t *w, uint32_t val);
/* True (once per tick) if the core's tick deadline passed; the core thread
 * has been waiting for it since `waited_from`. */
bool sim_tick_due(unsigned core, uint64_t waited_from);
void sim_tick_stats(unsigned core, uint64_t *ticks, uint64_t *max_late);
void sim_park_if_stopping(void);
/* Stop every core at its next hook (arch_shard_run, plat_idle) and wait
 * until they are parked. */
void sim_stop_cores(void);

/* lease.c: yield leases (kern.h kern_lease_grant) of the shard whose turn
 * a core thread waits for: offered before the wait, revoked by plat_ipi,
 * returned to the kernel when the wait ends. */
void sim_lease_offer(unsigned core, struct sim_mailbox *mb);
void sim_lease_revoke(unsigned core);
void sim_lease_return(unsigned core);
/* nv.c: the persistent store of the anti-rollback counters
 * (plat_nv_*), a file (--rollback-store); 0, or -1 after saying why. */
int sim_nv_open(const char *path);

/* ram.c */
int sim_ram_init(void);
/* Shard `id`'s mailbox page on `slot` (the kernel's view). */
struct sim_mailbox *sim_mailbox(unsigned id, unsigned slot);
/* What a shard process is handed: its mailbox memfd (SIM_MBOX_SLOTS
 * pages), and for one of its shared maps the object's descriptor,
 * read-only unless the map is writable (-1: not a shared map). */
int sim_mailbox_fd(unsigned id);
int sim_map_fd(const struct tess_map *m);
/* `fd` moved to a descriptor >= 64 (close-on-exec), or -1. */
int sim_fd_high(int fd);

/* clock.c */
void sim_clock_init(void);
struct timespec sim_abs(uint64_t ns); /* boot-relative ns -> CLOCK_MONOTONIC */
uint64_t sim_now(void);
uint64_t sim_since_start(uint64_t mono_ns); /* a CLOCK_MONOTONIC time, boot-relative */

#endif
