/* The Linux side of bench/linux_peer.py: a UDP echo on port 7, the job
 * Tessera's udp-echo pipeline does (classify + echo), through the socket
 * API at its best: one blocking recvmmsg of up to BATCH datagrams, one
 * sendmmsg of them back to their senders, so the system calls are
 * amortised over bursts the way the pipeline's notifications are. Built
 * static by bench/linux/mkinitramfs.sh with the host's gcc (the initramfs
 * has no libc). Usage: udp_echo [PORT] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH  64
#define MAXLEN 2048

static char buf[BATCH][MAXLEN];
static struct sockaddr_in peer[BATCH];
static struct iovec iov[BATCH];
static struct mmsghdr msg[BATCH];

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = INADDR_ANY};
	int rcvbuf = 4 << 20;

	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
		perror("udp_echo: socket/bind");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	printf("udp_echo: listening on port %d\n", port);
	fflush(stdout);
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){buf[i], MAXLEN};
			msg[i].msg_hdr = (struct msghdr){.msg_name = &peer[i],
							 .msg_namelen = sizeof peer[i],
							 .msg_iov = &iov[i],
							 .msg_iovlen = 1};
		}
		/* Blocks for the first datagram, then takes what is queued. */
		int n = recvmmsg(fd, msg, BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		for (int i = 0; i < n; i++)
			iov[i].iov_len = msg[i].msg_len;
		for (int done = 0; done < n;) {
			int m = sendmmsg(fd, msg + done, n - done, 0);
			if (m <= 0)
				break;
			done += m;
		}
	}
}
