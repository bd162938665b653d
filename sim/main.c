/* tessera-sim: the hosted simulator's entry point and run control.
 * Boots kern/ from the generated tables, starts one thread per simulated
 * core, and ends on SIGINT/SIGTERM, --duration or --messages (counted at
 * the sinks), when every shard is halted, or when the kernel halts the
 * system (plat_halt_all, cores.c: SIGUSR1); then prints the per-shard and
 * per-channel table. The main thread drives: the other files of sim/
 * report back through return values, and only this one ends the run. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/stats.h>
#include <sim/probe.h>
#include "dev/dev.h"
#include "sim.h"

static const char usage[] =
	"usage: tessera-sim [--duration TIME] [--messages N] [--trace] [--console-port PORT]\n"
	"                   [--virtio-mmio NAME,PA,IRQ]... [--net NAME=local=H:P,remote=H:P[,mac=M]]...\n"
	"                   [--net-misbehave KIND[:N]] [--rollback-store FILE]\n"
	"  TIME: nanoseconds, or with a unit: 500ms, 2s, 1500us\n"
	"  --trace: print the kernel's trace ring at the end\n"
	"  --console-port: console (and hot reload) on tcp 127.0.0.1:PORT, 0: any free port\n"
	"  --virtio-mmio: a virtio-mmio transport of the board (`tessera sim` passes the host board's)\n"
	"  --net: a virtio network device on transport NAME, frames as UDP datagrams to and from H:P\n"
	"  --net-misbehave: test mode, every N-th completion (default 16) lies; KIND: %s\n"
	"  --rollback-store: keep the anti-rollback counters in FILE across runs\n";

static uint64_t run_start;
static int dump_trace;

/* "5s", "250ms", "1500us", "100ns" or a plain number of nanoseconds. */
static int parse_time(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t mul;
	} units[] = {{"", 1}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].unit) == 0) {
			*ns = v * units[i].mul;
			return 0;
		}
	return -1;
}

static int parse_count(const char *s, uint64_t *n)
{
	char *end;

	*n = strtoull(s, &end, 10);
	return end == s || *end ? -1 : 0;
}

/* Every core parked, then the kernel's lines so far, no process left,
 * the tables. */
static _Noreturn void finish(int status)
{
	sim_stop_cores();
	sim_devices_stop();
	sim_console_flush();
	sim_shards_kill();
	sim_report(sim_now() - run_start);
	sim_devices_report();
	sim_probe_report();
	if (dump_trace)
		kern_trace_dump();
	exit(status);
}

static void progress(uint64_t now, uint64_t *last_t, uint64_t *last_n)
{
	uint64_t n = sim_sink_messages();

	if (now - *last_t < 1000000000u)
		return;
	/* A whole line: console output shares the terminal. */
	fprintf(stderr, "sim| progress: %llu messages, %llu msgs/s\n", (unsigned long long)n,
		(unsigned long long)((n - *last_n) * 1000000000u / (now - *last_t)));
	*last_t = now;
	*last_n = n;
}

/* Wait for the end of the run; print why it ended. Returns the exit
 * status. Meanwhile, reap the processes hot reloads replaced. */
static int run(const sigset_t *stop, uint64_t duration, uint64_t messages)
{
	siginfo_t info;
	struct timespec poll = {.tv_nsec = 20000000};
	uint64_t last_t = sim_now(), last_n = 0;
	int tty = isatty(2), sig = 0;

	for (;;) {
		uint64_t now;

		sig = sigtimedwait(stop, &info, &poll);
		now = sim_now();
		if (sig > 0 || (duration && now - run_start >= duration) ||
		    (messages && sim_sink_messages() >= messages) || sim_all_halted())
			break;
		sim_reap_retired(false);
		if (tty)
			progress(now, &last_t, &last_n);
	}
	if (sig == SIGUSR1) /* the kernel halted the system: it said why */
		return 1;
	sim_console_flush(); /* the kernel's lines so far come first */
	if (sig > 0)
		printf("sim| stopped by %s\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	else if (duration && sim_now() - run_start >= duration)
		printf("sim| stopped: duration %llu ms reached\n", (unsigned long long)(duration / 1000000));
	else if (messages && sim_sink_messages() >= messages)
		printf("sim| stopped: %llu messages reached the sinks\n", (unsigned long long)messages);
	else {
		printf("sim| stopped: every shard is halted\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t duration = 0, messages = 0, port = 0;
	int with_port = 0;
	const char *store = NULL;
	sigset_t stop;

	for (int i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 1;

		if (strcmp(argv[i], "--trace") == 0)
			dump_trace = 1, bad = 0;
		else if (val && strcmp(argv[i], "--duration") == 0)
			bad = parse_time(val, &duration), i++;
		else if (val && strcmp(argv[i], "--messages") == 0)
			bad = parse_count(val, &messages), i++;
		else if (val && strcmp(argv[i], "--console-port") == 0)
			bad = parse_count(val, &port) || port > 65535, with_port = 1, i++;
		else if (val && strcmp(argv[i], "--virtio-mmio") == 0)
			bad = sim_devices_transport(val), i++;
		else if (val && strcmp(argv[i], "--net") == 0)
			bad = sim_devices_net(val), i++;
		else if (val && strcmp(argv[i], "--net-misbehave") == 0)
			bad = sim_devices_misbehave(val), i++;
		else if (val && strcmp(argv[i], "--rollback-store") == 0)
			store = val, bad = 0, i++;
		if (bad) {
			fprintf(stderr, usage, sim_net_misbehave_names());
			return 2;
		}
	}
	/* Not dumpable: no other process of this user (a shard's least of
	 * all) may open /proc/<us>/fd or /proc/<us>/mem, i.e. the RAM file
	 * and every shared object (docs/simulator.md "Isolation"). */
	prctl(PR_SET_DUMPABLE, 0);
	/* Every thread inherits the mask; only run() takes these signals. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	sim_clock_init();
	sim_cores_init();
	if (sim_ram_init() != 0 || sim_shards_init() != 0 || sim_proc_init() != 0)
		return 1;
	if (store && sim_nv_open(store) != 0)
		return 2;
	if (messages && !sim_has_sinks()) {
		fprintf(stderr, "sim| --messages: %s has no sink shard to count at\n", tess_system.name);
		return 2;
	}
	printf("sim| %s: %u cores, %u shards, %u channels, tick %llu us\n", tess_system.name,
	       tess_system.ncores, tess_system.nshards, tess_system.nchannels,
	       (unsigned long long)(tess_system.tick_ns / 1000));
	if (sim_devices_init() != 0)
		return 1;
	if (with_port && sim_port_open((unsigned)port) != 0)
		return 2;
	sim_probe_init();
	if (sim_console_start() != 0) {
		fprintf(stderr, "sim| cannot start the console thread\n");
		return 1;
	}
	if (kern_boot() != 0 || sim_port_start() != 0 || sim_devices_start() != 0)
		finish(1);
	run_start = sim_now();
	for (unsigned c = 0; c < tess_system.ncores; c++)
		plat_core_start(c);
	finish(run(&stop, duration, messages));
}
