/* The simulator's console: plat_console_write queues the bytes, a writer
 * thread emits them, every byte to the console port (port.c) and the text
 * to stdout. */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <kern/arch.h>
#include <sim/futex.h>
#include "sim.h"

/* Console bytes minus reload frames (SOH .. 0x00, docs/reload.md
 * "Framing"): console text never holds 0x01 or 0x00, so this is exact.
 * Consumes up to *n bytes of s, stores at most cap text bytes in out and
 * returns their count; *n becomes the number of input bytes consumed. */
static size_t text(const char *s, size_t *n, char *out, size_t cap)
{
	static int in_frame; /* emit runs under out_lock */
	size_t i = 0, k = 0;

	for (; i < *n && k < cap; i++) {
		if (s[i] == 0x01)
			in_frame = 1;
		else if (s[i] == 0x00)
			in_frame = 0;
		else if (!in_frame)
			out[k++] = s[i];
	}
	*n = i;
	return k;
}

static void write_out(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(1, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

/* Where the console bytes go: every byte to the console port (port.c),
 * the text to stdout. Two system calls that wake other processes (the
 * port's client, whoever reads stdout), some 20 us a line: too long to
 * make a core wait for (a hot reload's "installed" line would stall the
 * other shards of the core longer than their entries, bench/README.md).
 * So plat_console_write only queues the bytes; a writer thread emits them
 * in order within a millisecond. A full queue, and sim_console_flush, emit
 * on the caller's thread after what is queued. */
static void emit(const char *s, size_t n)
{
	char out[512];

	sim_port_write(s, n);
	while (n > 0) {
		size_t used = n, k = text(s, &used, out, sizeof out);

		write_out(out, k);
		s += used;
		n -= used;
	}
}

#define QUEUE (1u << 16)
static char queue[QUEUE];
/* head: written under kern/'s console lock (one producer at a time);
 * tail: under out_lock, by whoever emits. Free-running. */
static _Atomic uint32_t head, tail;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int queued; /* the writer thread runs */

static void drain(void)
{
	uint32_t t = atomic_load(&tail), h = atomic_load(&head);

	while (t != h) {
		uint32_t off = t % QUEUE, k = h - t < QUEUE - off ? h - t : QUEUE - off;

		emit(queue + off, k);
		t += k;
		atomic_store(&tail, t);
	}
}

void sim_console_flush(void)
{
	pthread_mutex_lock(&out_lock);
	drain();
	pthread_mutex_unlock(&out_lock);
}

/* kern/ serialises callers. */
void plat_console_write(const char *s, size_t n)
{
	uint32_t h = atomic_load(&head);

	if (!atomic_load(&queued) || n > QUEUE - (h - atomic_load(&tail))) {
		pthread_mutex_lock(&out_lock);
		drain();
		emit(s, n);
		pthread_mutex_unlock(&out_lock);
		return;
	}
	for (size_t i = 0; i < n; i++)
		queue[(h + i) % QUEUE] = s[i];
	atomic_store(&head, h + (uint32_t)n);
	/* The writer looks every millisecond: waking it for each line would
	 * cost a system call, and it might then run on this core's host CPU
	 * at once. Only a filling queue is worth a wake. */
	if (h + n - atomic_load(&tail) > QUEUE / 2)
		sim_futex_wake(&head);
}

static void *writer(void *arg)
{
	(void)arg;
	for (;;) {
		uint32_t h = atomic_load(&head);
		struct timespec dl = sim_abs(sim_now() + 1000000u);

		sim_console_flush();
		sim_futex_wait(&head, h, &dl);
	}
	return NULL;
}

int sim_console_start(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, writer, NULL) != 0)
		return -1;
	atomic_store(&queued, 1);
	return 0;
}
