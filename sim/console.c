/* The simulator's console: plat_console_write queues each unit (a line or
 * a reload frame), a writer thread emits them, to the console port
 * (port.c: kernel units always, shard lines while its client keeps up)
 * and, every byte of text, to stdout. */
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

/* The queue holds units as kern/ wrote them (a line or a reload frame):
 * a 2-byte length, then the bytes, either part possibly wrapping; so the
 * port sees whole units (it keeps kernel units and may drop shard lines). */
#define QUEUE	 (1u << 16)
#define UNIT_MAX 4096u /* a longer unit is written on the caller's thread */
static char queue[QUEUE];
/* head: written under kern/'s console lock (one producer at a time);
 * tail: under out_lock, by whoever emits. Free-running. */
static _Atomic uint32_t head, tail;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int queued; /* the writer thread runs */

static void put(uint32_t at, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		queue[(at + i) % QUEUE] = ((const char *)p)[i];
}

static void get(uint32_t at, void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((char *)p)[i] = queue[(at + i) % QUEUE];
}

static void drain(void)
{
	uint32_t t = atomic_load(&tail), h = atomic_load(&head);
	char unit[UNIT_MAX];

	while (t != h) {
		uint16_t n;

		get(t, &n, sizeof n);
		get(t + sizeof n, unit, n);
		emit(unit, n);
		t += (uint32_t)sizeof n + n;
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
	uint16_t len = (uint16_t)n;

	if (!atomic_load(&queued) || n > UNIT_MAX || sizeof len + n > QUEUE - (h - atomic_load(&tail))) {
		pthread_mutex_lock(&out_lock);
		drain();
		emit(s, n);
		pthread_mutex_unlock(&out_lock);
		return;
	}
	put(h, &len, sizeof len);
	put(h + sizeof len, s, n);
	atomic_store(&head, h + (uint32_t)(sizeof len + n));
	/* The writer looks every millisecond: waking it for each line would
	 * cost a system call, and it might then run on this core's host CPU
	 * at once. Only a filling queue is worth a wake, and a reload frame
	 * (it starts with 0x00: the host waits for each ACK). */
	if (h + sizeof len + n - atomic_load(&tail) > QUEUE / 2 || (n && s[0] == 0))
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
