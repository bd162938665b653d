/* The simulator's console port (--console-port): the console UART of the
 * host board as a TCP socket on 127.0.0.1, so `./tessera reload --port
 * socket://127.0.0.1:PORT` reaches the kernel. One client at a time (a new
 * connection replaces the old one). Every console unit goes to the client
 * (console.c calls sim_port_write), shard text only while the client keeps
 * up; stdout gets all the text. The port's
 * thread is the one core-like context that feeds reload_rx_byte and
 * reload_poll, as kern/reload.h requires. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <kern/reload.h>
#include "sim.h"

static int listen_fd = -1, client_fd = -1;
static pthread_mutex_t client_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t rx_thread;

int sim_port_open(unsigned port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	socklen_t len = sizeof a;
	int one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(listen_fd, 1) != 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&a, &len) != 0) {
		fprintf(stderr, "sim| --console-port %u: %s\n", port, strerror(errno));
		return -1;
	}
	/* Port 0 picks a free one: say which (tests read this line). */
	printf("sim| console on tcp 127.0.0.1:%u\n", (unsigned)ntohs(a.sin_port));
	return 0;
}

static void set_client(int fd)
{
	pthread_mutex_lock(&client_lock);
	if (client_fd >= 0)
		close(client_fd);
	client_fd = fd;
	pthread_mutex_unlock(&client_lock);
}

/* What goes to the client, one console unit (a line or a reload frame,
 * as kern/ wrote it) per call, in order (console.c's writer, serialised).
 *
 * The kernel's own units (its lines, reload frames) are never dropped: like
 * a UART they wait until the client takes them, as long as it reads at
 * all (PORT_STALL_MS without progress: the client is dropped). Shard text
 * ("shard:<name>| ..." lines, which only the kernel starts) is what gives
 * way: each shard may send PORT_TEXT_RATE bytes a second (a token bucket
 * of that depth), and none while more than PORT_TEXT_BACKLOG bytes wait in
 * the socket; the rest is dropped and counted per shard, and a note says
 * how many (at most once a second, then at the end of the run). So a shard
 * that prints as fast as it can costs the client shard lines, never a
 * frame, and the frames never queue behind a backlog of text the client
 * cannot read fast enough (a reload's host waits 1 s for each ACK; on
 * loopback the client's receive buffer, megabytes, is where such a backlog
 * would sit, out of SIOCOUTQ's sight: hence the rate). */
#define PORT_TEXT_RATE	  (8u << 10)
#define PORT_TEXT_BACKLOG (16u << 10)
#define PORT_STALL_MS	  10000

static struct {
	uint64_t dropped;
	uint64_t tokens, at; /* bytes it may send; as of time `at` */
} text_budget[TESS_MAX_SHARDS];
static uint64_t dropped_unnoted, noted_at;

/* The shard a "shard:<name>| " line is from, or -1. */
static int shard_of(const char *s, size_t n)
{
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		const char *name = tess_system.shards[i].name;
		size_t k = strlen(name);

		if (n >= 6 + k + 2 && memcmp(s + 6, name, k) == 0 && memcmp(s + 6 + k, "| ", 2) == 0)
			return (int)tess_system.shards[i].id;
	}
	return -1;
}

static void drop_client(void)
{
	close(client_fd);
	client_fd = -1;
}

/* All of s, waiting for the client as a UART would. */
static void send_all(const char *s, size_t n)
{
	while (n > 0 && client_fd >= 0) {
		ssize_t k = send(client_fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		struct pollfd p = {.fd = client_fd, .events = POLLOUT};

		if (k > 0) {
			s += k;
			n -= (size_t)k;
		} else if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			drop_client();
		} else if (poll(&p, 1, PORT_STALL_MS) == 0) {
			fprintf(stderr, "sim| console port: the client read nothing for %u s, disconnected\n",
				PORT_STALL_MS / 1000);
			drop_client();
		}
	}
}

static int unread(void)
{
	int q = 0;

	return ioctl(client_fd, SIOCOUTQ, &q) == 0 ? q : INT32_MAX;
}

/* A shard line of n bytes may go out now (and is paid for). */
static bool text_allowed(unsigned shard, size_t n)
{
	uint64_t now = sim_now(), t = text_budget[shard].tokens;

	t += (now - text_budget[shard].at) * PORT_TEXT_RATE / 1000000000u;
	text_budget[shard].tokens = t < PORT_TEXT_RATE ? t : PORT_TEXT_RATE;
	text_budget[shard].at = now;
	if (text_budget[shard].tokens < n || unread() > (int)PORT_TEXT_BACKLOG)
		return false;
	text_budget[shard].tokens -= n;
	return true;
}

void sim_port_write(const char *s, size_t n)
{
	int shard = n > 6 && memcmp(s, "shard:", 6) == 0 ? shard_of(s, n) : -1;

	pthread_mutex_lock(&client_lock);
	if (client_fd >= 0 && shard >= 0 && !text_allowed((unsigned)shard, n)) {
		text_budget[shard].dropped++;
		dropped_unnoted++;
	} else if (client_fd >= 0 && n > 0) {
		if (dropped_unnoted && sim_now() - noted_at >= 1000000000u) {
			char note[96];
			int k = snprintf(note, sizeof note,
					 "sim| console port: %llu lines of shard text dropped\n",
					 (unsigned long long)dropped_unnoted);

			send_all(note, (size_t)k);
			dropped_unnoted = 0;
			noted_at = sim_now();
		}
		send_all(s, n);
	}
	pthread_mutex_unlock(&client_lock);
}

/* The end of the run: what the client missed, per shard. */
void sim_port_report(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < tess_system.nshards; i++)
		total += text_budget[tess_system.shards[i].id].dropped;
	if (!total)
		return;
	printf("sim| console port: %llu lines of shard text dropped (the client did not keep up):",
	       (unsigned long long)total);
	for (unsigned i = 0; i < tess_system.nshards; i++)
		if (text_budget[tess_system.shards[i].id].dropped)
			printf(" %s %llu", tess_system.shards[i].name,
			       (unsigned long long)text_budget[tess_system.shards[i].id].dropped);
	printf("\n");
}

static void *rx_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd p[2] = {{.fd = listen_fd, .events = POLLIN}, {.fd = -1, .events = POLLIN}};
		uint8_t buf[512];

		pthread_mutex_lock(&client_lock);
		p[1].fd = client_fd;
		pthread_mutex_unlock(&client_lock);
		/* 20 ms: the stall timer and a finished swap's verdict need no
		 * better resolution. */
		if (poll(p, 2, 20) > 0) {
			if (p[0].revents & POLLIN) {
				int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

				if (fd >= 0)
					set_client(fd);
			} else if (p[1].revents) {
				ssize_t k = read(p[1].fd, buf, sizeof buf);

				if (k <= 0 && !(k < 0 && errno == EINTR))
					set_client(-1);
				for (ssize_t i = 0; i < k; i++)
					reload_rx_byte(buf[i]);
			}
		}
		reload_poll(sim_now());
	}
	return NULL;
}

int sim_port_start(void)
{
	if (listen_fd < 0)
		return 0;
	if (reload_init() != 0) {
		fprintf(stderr, "sim| the plan has no reload staging buffer: hot reload is off\n");
		return 0;
	}
	return pthread_create(&rx_thread, NULL, rx_main, NULL) == 0 ? 0 : -1;
}
