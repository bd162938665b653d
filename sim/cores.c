/* Simulated cores: one pthread each, pinned to a host CPU, running
 * kern_core_main(). Also idle/IPI (a futex word per core), the periodic
 * tick, parking the cores when the run ends, and the kernel's request to
 * end it (plat_halt_all), which main.c's run loop receives as SIGUSR1.
 *
 * Ticks: a core thread waits without a timeout (sim_core_wait); one ticker
 * thread wakes every core at each multiple of the tick. A futex wait with a
 * deadline arms a host timer each time, which in a VM is an exit: it made
 * every shard turn several times dearer (bench/README.md "Simulator"). */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <sim/futex.h>
#include "sim.h"

struct sim_core {
	_Atomic uint32_t wake;		      /* bumped by plat_ipi */
	_Atomic(_Atomic uint32_t *) waits_on; /* the futex the core thread sleeps on */
	uint32_t seen;			      /* last wake value plat_idle consumed */
	uint64_t next_tick;		      /* boot-relative deadline */
	uint64_t ticks;			      /* ticks delivered (to kern/ or to plat_idle) */
	uint64_t max_late;		      /* worst delay of a tick behind its deadline */
	pthread_t thread;
};

static struct sim_core cores[TESS_MAX_CORES];
static _Thread_local unsigned self_core; /* the main thread is the boot core 0 */
static _Atomic int stopping;
static _Atomic uint32_t parked; /* futex: number of parked cores */
static _Atomic unsigned started;

static void *ticker(void *arg);

static uint64_t tick_ns(void)
{
	return tess_system.tick_ns ? tess_system.tick_ns : 1000000u;
}

static unsigned host_cpus[CPU_SETSIZE], n_host_cpus;

/* The CPUs we may use, read once by the main thread before anything is
 * pinned (a pinned thread, or a child forked by one, sees only its CPU). */
void sim_cores_init(void)
{
	cpu_set_t set;

	n_host_cpus = 0;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		for (unsigned cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &set))
				host_cpus[n_host_cpus++] = cpu;
	if (n_host_cpus == 0)
		host_cpus[n_host_cpus++] = 0;
}

/* Simulated core n runs on the (n mod count)-th CPU we may use. */
unsigned sim_host_cpu(unsigned core)
{
	return host_cpus[core % n_host_cpus];
}

unsigned plat_core_id(void)
{
	return self_core;
}

static void *core_thread(void *arg)
{
	unsigned core = (unsigned)(uintptr_t)arg;
	cpu_set_t set;

	self_core = core;
	CPU_ZERO(&set);
	CPU_SET(sim_host_cpu(core), &set);
	sched_setaffinity(0, sizeof set, &set);
	cores[core].next_tick = (sim_now() / tick_ns() + 1) * tick_ns(); /* the ticker's phase */
	kern_core_main(core);
}

/* The run ends with status 1 (main.c): SIGUSR1, which every thread
 * blocks and only the main thread waits for. */
static void request_halt(void)
{
	kill(getpid(), SIGUSR1);
}

void plat_core_start(unsigned core)
{
	static pthread_t tick_thread;

	if (started == 0 && pthread_create(&tick_thread, NULL, ticker, NULL) != 0) {
		fprintf(stderr, "sim| cannot start the ticker\n");
		request_halt();
	}
	started++;
	if (pthread_create(&cores[core].thread, NULL, core_thread, (void *)(uintptr_t)core) != 0) {
		started--;
		fprintf(stderr, "sim| cannot start core %u\n", core);
		request_halt();
	}
}

bool sim_tick_due(unsigned core, uint64_t waited_from)
{
	struct sim_core *c = &cores[core];
	uint64_t now = sim_now(), due = c->next_tick > waited_from ? c->next_tick : waited_from;

	if (now < c->next_tick)
		return false;
	/* Host scheduling delay of the waiting core thread (not time spent in
	 * the kernel, e.g. spawning a shard): it adds to the watchdog's
	 * latency beyond timeout + one tick, so the end table prints it. */
	if (now - due > c->max_late)
		c->max_late = now - due;
	c->ticks++;
	kern_tick(core);
	c->next_tick += tick_ns();
	if (c->next_tick <= now) /* we were late by more than a tick: skip */
		c->next_tick = (now / tick_ns() + 1) * tick_ns();
	return true;
}

void sim_tick_stats(unsigned core, uint64_t *ticks, uint64_t *max_late)
{
	*ticks = cores[core].ticks;
	*max_late = cores[core].max_late;
}

/* Sleep while *w == val, until its writer, an IPI's wake-up or the ticker
 * wakes us. A tick that falls between the check and the sleep is taken
 * at the next wake-up (at worst the next tick; "max late" shows it). */
void sim_core_wait(unsigned core, _Atomic uint32_t *w, uint32_t val)
{
	struct sim_core *c = &cores[core];

	atomic_store(&c->waits_on, w);
	if (sim_now() < c->next_tick)
		sim_futex_wait(w, val, NULL);
	atomic_store(&c->waits_on, NULL);
}

static void *ticker(void *arg)
{
	uint64_t t = (sim_now() / tick_ns() + 1) * tick_ns();

	(void)arg;
	for (;;) {
		struct timespec at = sim_abs(t);

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
		for (unsigned c = 0; c < tess_system.ncores; c++) {
			_Atomic uint32_t *w = atomic_load(&cores[c].waits_on);

			if (w)
				sim_futex_wake(w);
		}
		t += tick_ns();
		if (t <= sim_now())
			t = (sim_now() / tick_ns() + 1) * tick_ns();
	}
	return NULL;
}

void plat_idle(unsigned core)
{
	struct sim_core *c = &cores[core];
	uint32_t w = atomic_load(&c->wake), irq;
	uint64_t from = sim_now();

	sim_park_if_stopping();
	if (w == c->seen) {
		sim_core_wait(core, &c->wake, w);
		w = atomic_load(&c->wake);
	}
	c->seen = w;
	sim_tick_due(core, from);
	sim_park_if_stopping();
	while (sim_irq_take(core, &irq))
		kern_irq(core, irq);
}

void plat_ipi(unsigned core)
{
	sim_lease_revoke(core);
	atomic_fetch_add(&cores[core].wake, 1);
	sim_futex_wake(&cores[core].wake);
}

static _Noreturn void park(void)
{
	atomic_fetch_add(&parked, 1);
	sim_futex_wake(&parked);
	for (;;)
		pause();
}

void sim_park_if_stopping(void)
{
	if (atomic_load(&stopping))
		park();
}

/* Panic policy (kern/policy.c, on a core thread): the other cores stop at
 * their next hook right away, this one parks, the main thread ends the
 * run. */
_Noreturn void plat_halt_all(void)
{
	atomic_store(&stopping, 1);
	for (unsigned c = 0; c < tess_system.ncores; c++)
		plat_ipi(c);
	request_halt();
	park();
}

void sim_stop_cores(void)
{
	unsigned want = atomic_load(&started);	    /* main.c calls this, not a core */
	uint64_t give_up = sim_now() + 2000000000u; /* a core stuck inside kern/ */

	atomic_store(&stopping, 1);
	for (unsigned c = 0; c < tess_system.ncores; c++)
		plat_ipi(c);
	for (;;) {
		uint32_t p = atomic_load(&parked);
		struct timespec dl = sim_abs(sim_now() + 10000000u);

		if (p >= want || sim_now() > give_up)
			break;
		sim_futex_wait(&parked, p, &dl);
	}
}
