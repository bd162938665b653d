/* Private to the simulator's kernel side (tessera-sim). */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <tessera/tables.h>
#include <sim/mailbox.h>

/* Board `host`: RAM is one memfd, "physical address" = offset in it. */
#define SIM_RAM_MIN (256u << 20)

/* One shard's host process. Only the core thread that owns the shard
 * touches this after boot (the halt path runs once every core is parked). */
struct sim_shard {
	const struct tess_shard_cfg *cfg;
	pid_t pid;   /* 0: no process */
	bool turned; /* the process has had its first turn */
	struct sim_mailbox *mb;
	char path[4096]; /* executable shard_<name> */
	int exe_fd;	 /* image.c: memfd of the committed executable */
	int trial_fd;	 /* image.c: a hot reload's executable on trial, or -1 */
};

extern struct sim_shard sim_shards[TESS_MAX_SHARDS];
extern int sim_ram_fd, sim_mbox_fd;

/* ram.c */
int sim_ram_init(void);
int sim_channels_format(void);

/* clock.c */
void sim_clock_init(void);
struct timespec sim_abs(uint64_t ns); /* boot-relative ns -> CLOCK_MONOTONIC */
uint64_t sim_now(void);

/* cores.c */
void sim_cores_init(void);
unsigned sim_host_cpu(unsigned core);
uint64_t sim_next_tick(unsigned core); /* deadline of the core's next tick */
/* True (once per tick) if the core's tick deadline passed; the core thread
 * has been waiting for it since `waited_from`. */
bool sim_tick_due(unsigned core, uint64_t waited_from);
void sim_tick_stats(unsigned core, uint64_t *ticks, uint64_t *max_late);
void sim_park_if_stopping(void);
/* Stop every core at its next hook (arch_shard_run, plat_idle) and wait
 * until they are parked; the caller's own core counts as parked. */
void sim_stop_cores(void);

/* spawn.c */
int sim_spawn_init(void);
void sim_kill_all(void);
/* (Re)spawn the shard's process from executable `fd` (a memfd). */
int sim_shard_spawn(const struct tess_shard_cfg *cfg, int fd);

/* image.c: shard executables in memfds, hot-reload install and commit. */
int sim_image_from_file(struct sim_shard *sh);
void sim_image_drop_trial(struct sim_shard *sh);

/* port.c: --console-port (TCP console, reload RX). */
int sim_port_open(unsigned port);
int sim_port_start(void); /* after kern_boot() */
void sim_port_write(const char *s, size_t n);
size_t sim_console_text(const char *s, size_t *n, char *out, size_t cap);

/* report.c */
void sim_report(uint64_t elapsed_ns);
uint64_t sim_sink_messages(void);
int sim_has_sinks(void);
int sim_all_halted(void);

/* main.c */
_Noreturn void sim_finish(int status);

#endif
