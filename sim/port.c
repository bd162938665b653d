/* The simulator's console port (--console-port): the console UART of the
 * host board as a TCP socket on 127.0.0.1, so `./tessera reload --port
 * socket://127.0.0.1:PORT` reaches the kernel. One client at a time (a new
 * connection replaces the old one). Every console byte goes to the client
 * (console.c calls sim_port_write); stdout gets the text only. The port's
 * thread is the one core-like context that feeds reload_rx_byte and
 * reload_poll, as kern/reload.h requires. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
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

/* Called by plat_console_write under kern/'s console lock. A client that
 * does not read loses bytes rather than stalling the kernel; the reload
 * protocol resends what it misses. */
void sim_port_write(const char *s, size_t n)
{
	pthread_mutex_lock(&client_lock);
	if (client_fd >= 0 && n > 0 && send(client_fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK) {
		close(client_fd);
		client_fd = -1;
	}
	pthread_mutex_unlock(&client_lock);
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
