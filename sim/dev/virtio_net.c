/* A virtio network device (virtio 1.2 section 5.1) behind a virtio-mmio
 * transport, its wire a UDP socket: one Ethernet frame per datagram,
 * exactly QEMU's -netdev dgram framing, so the same host tool drives the
 * simulator and QEMU. Queue 0 receives, queue 1 transmits (5.1.2).
 *
 * Receive runs on the device's own thread: it reads the socket only while
 * the driver has buffers available (otherwise frames wait in the socket,
 * which drops what overflows, as QEMU stops reading a dgram netdev), and
 * asks for a notification when it runs dry. Transmit runs when the driver
 * notifies queue 1, on the core thread that served the write.
 *
 * Test mode (--net-misbehave): the device lies in one chosen way on every
 * n-th completion, to prove the driver's checks. */
#include <errno.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include "dev.h"

#define RXQ	  0
#define TXQ	  1
#define HDR	  sizeof(struct virtio_net_hdr_v1) /* 12: VERSION_1 always has num_buffers (5.1.6) */
#define MAX_FRAME 65535u
#define BATCH	  64 /* frames received per lock, then one interrupt decision */

static const char *const misbehave_names[] = {
	[SIM_NET_HONEST] = "none",
	[SIM_NET_BAD_ID] = "bad-id",
	[SIM_NET_LONG_LEN] = "long-len",
	[SIM_NET_REORDER] = "reorder",
	[SIM_NET_NO_VERSION1] = "no-version-1",
};

struct sim_net {
	struct sim_vmmio *t;
	struct sim_net_cfg cfg;
	struct sim_vdev_ops ops;
	int sock, evfd;
	struct sockaddr_storage remote;
	socklen_t remote_len;
	pthread_t rx;
	bool started;
	atomic_bool stop;
	/* Below: under the transport's lock. */
	struct sim_vq_chain held; /* reorder: a receive buffer taken early */
	bool holding;
	uint64_t nth[2]; /* completions per queue, for `every` */
	struct {
		uint64_t rx, tx, rx_toobig, rx_empty, tx_bad, tx_err, broken, injected[2];
	} n;
	const char *why; /* the first driver error */
	uint8_t frame[HDR + MAX_FRAME];
};

int sim_net_misbehave_kind(const char *s)
{
	for (unsigned i = 0; i < sizeof misbehave_names / sizeof misbehave_names[0]; i++)
		if (strcmp(s, misbehave_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *sim_net_misbehave_names(void)
{
	return "bad-id, long-len, reorder, no-version-1";
}

static void wake_rx(struct sim_net *n)
{
	uint64_t one = 1;

	if (write(n->evfd, &one, sizeof one) < 0) {
		/* the counter is saturated: the thread is awake anyway */
	}
}

/* A driver error the device cannot go on from: counted, the first one
 * kept for the report, and the transport asks for a reset. */
static void broken(struct sim_net *n, const char *why)
{
	n->n.broken++;
	if (!n->why)
		n->why = why;
	n->holding = false;
	sim_vmmio_broken(n->t);
}

/* Whether this completion of queue `q` is one to lie about. */
static bool misbehave_now(struct sim_net *n, unsigned q, int kind)
{
	if (n->cfg.misbehave != kind)
		return false;
	if (++n->nth[q] % n->cfg.every)
		return false;
	n->n.injected[q]++;
	return true;
}

/* bad-id: an extra used element naming no descriptor of the queue; no
 * buffer is consumed, so the ring stays whole and nothing is lost. */
static void push_bogus(struct sim_net *n, struct sim_vq *q, unsigned qi)
{
	if (misbehave_now(n, qi, SIM_NET_BAD_ID))
		sim_vq_push(q, q->num + (uint32_t)(n->n.injected[qi] % 1000u), 0);
}

/* The next receive buffer; reorder takes two and completes the later one
 * first, keeping the other for the next frame (frames stay in order, the
 * used ids do not follow the available ring: allowed, 2.7.8). */
static int take_rx(struct sim_net *n, struct sim_vq *q, struct sim_vq_chain *c)
{
	int r;

	if (n->holding) {
		*c = n->held;
		n->holding = false;
		return 1;
	}
	r = sim_vq_pop(q, c);
	if (r == 1 && sim_vq_pending(q) && misbehave_now(n, RXQ, SIM_NET_REORDER)) {
		n->held = *c;
		r = sim_vq_pop(q, c);
		n->holding = r == 1;
		if (r != 1)
			*c = n->held;
		r = r < 0 ? r : 1;
	}
	return r;
}

/* One frame into one receive buffer: the 12-byte header, num_buffers 1
 * (5.1.6.3.1: no VIRTIO_NET_F_MRG_RXBUF), then the frame. */
static void deliver(struct sim_net *n, struct sim_vq *q, const uint8_t *frame, uint32_t len)
{
	struct virtio_net_hdr_v1 hdr = {.num_buffers = htole16(1)};
	struct sim_vq_chain c;
	int r = take_rx(n, q, &c);

	if (r < 0) {
		broken(n, "malformed receive descriptor chain");
		return;
	}
	if (r == 0)
		return; /* cannot happen: the caller saw one pending */
	if (c.readable || c.writable < HDR + len) {
		n->n.rx_toobig++; /* dropped; the buffer goes back empty */
		sim_vq_push(q, c.head, 0);
		return;
	}
	sim_vq_write(&c, 0, &hdr, HDR);
	sim_vq_write(&c, HDR, frame, len);
	n->n.rx++;
	push_bogus(n, q, RXQ);
	if (misbehave_now(n, RXQ, SIM_NET_LONG_LEN))
		sim_vq_push(q, c.head, c.writable + 1 + (uint32_t)(n->n.injected[RXQ] % 4096u));
	else
		sim_vq_push(q, c.head, (uint32_t)(HDR + len));
}

/* Lock held: the receive queue if it has a buffer; else ask the driver to
 * notify when it adds one (and NULL). */
static struct sim_vq *rx_room(struct sim_net *n)
{
	struct sim_vq *q = sim_vmmio_queue(n->t, RXQ);

	if (!q)
		return NULL;
	if (n->holding || sim_vq_pending(q)) {
		sim_vq_kick_wanted(q, false);
		return q;
	}
	return sim_vq_kick_wanted(q, true) ? q : NULL;
}

static void receive_batch(struct sim_net *n)
{
	struct sim_vq *q;

	sim_vmmio_lock(n->t);
	q = rx_room(n);
	for (unsigned k = 0; q && k < BATCH; k++) {
		ssize_t len = recv(n->sock, n->frame, MAX_FRAME, MSG_DONTWAIT);

		if (len < 0)
			break;
		if (len == 0)
			n->n.rx_empty++;
		else
			deliver(n, q, n->frame, (uint32_t)len);
		q = sim_vmmio_queue(n->t, RXQ); /* a driver error stops it */
		if (q)
			sim_vmmio_used(n->t, q);
		q = q ? rx_room(n) : NULL;
	}
	sim_vmmio_unlock(n->t);
}

static void *rx_thread(void *arg)
{
	struct sim_net *n = arg;

	while (!atomic_load(&n->stop)) {
		struct pollfd p[2] = {{.fd = n->evfd, .events = POLLIN}, {.fd = n->sock, .events = POLLIN}};
		bool room;
		uint64_t v;

		sim_vmmio_lock(n->t);
		room = rx_room(n) != NULL;
		sim_vmmio_unlock(n->t);
		if (poll(p, room ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN && read(n->evfd, &v, sizeof v) < 0) {
			/* nothing to drain */
		}
		if (room && (p[1].revents & POLLIN))
			receive_batch(n);
	}
	return NULL;
}

/* Queue 1 notified (on the core thread that wrote QueueNotify, lock
 * held): send every buffer the driver made available, complete each,
 * one interrupt decision at the end. */
static void transmit(struct sim_net *n, struct sim_vq *q)
{
	for (;;) {
		struct sim_vq_chain c;
		int r = sim_vq_pop(q, &c);

		if (r < 0) {
			broken(n, "malformed transmit descriptor chain");
			return;
		}
		if (r == 0) {
			if (!sim_vq_kick_wanted(q, true))
				break;
			sim_vq_kick_wanted(q, false);
			continue;
		}
		if (c.writable || c.readable < HDR || c.readable > HDR + MAX_FRAME) {
			n->n.tx_bad++;
		} else {
			uint32_t len = sim_vq_read(&c, 0, n->frame, c.readable) - (uint32_t)HDR;

			if (sendto(n->sock, n->frame + HDR, len, 0, (struct sockaddr *)&n->remote,
				   n->remote_len) < 0)
				n->n.tx_err++;
			else
				n->n.tx++;
		}
		push_bogus(n, q, TXQ);
		sim_vq_push(q, c.head, 0);
	}
	sim_vmmio_used(n->t, q);
}

static void notify(void *dev, unsigned queue)
{
	struct sim_net *n = dev;
	struct sim_vq *q;

	if (queue == RXQ) {
		wake_rx(n);
		return;
	}
	q = sim_vmmio_queue(n->t, TXQ);
	if (q) {
		sim_vq_kick_wanted(q, false);
		transmit(n, q);
	}
}

static void live(void *dev, bool on)
{
	struct sim_net *n = dev;

	if (!on)
		n->holding = false; /* a reset forgets every buffer */
	wake_rx(n);
}

/* struct virtio_net_config (5.1.4): mac, then status (link up). */
static uint8_t config_byte(void *dev, unsigned off)
{
	struct sim_net *n = dev;

	if (off < 6)
		return n->cfg.mac[off];
	return off == 6 ? VIRTIO_NET_S_LINK_UP : 0;
}

static int resolve(const char *hostport, struct sockaddr_storage *sa, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM}, *res;
	int err;

	if (!colon || (size_t)(colon - hostport) >= sizeof host)
		return -1;
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = 0;
	err = getaddrinfo(host, colon + 1, &hints, &res);
	if (err != 0)
		return -1;
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

struct sim_net *sim_net_new(struct sim_vmmio *t, const struct sim_net_cfg *cfg)
{
	struct sim_net *n = calloc(1, sizeof *n);
	struct sockaddr_storage local;
	socklen_t llen;

	if (!n)
		return NULL;
	n->t = t;
	n->cfg = *cfg;
	if (!n->cfg.every)
		n->cfg.every = 1;
	n->sock = n->evfd = -1;
	if (resolve(cfg->local, &local, &llen) != 0 ||
	    resolve(cfg->remote, &n->remote, &n->remote_len) != 0) {
		fprintf(stderr, "sim| net %s: cannot resolve %s or %s\n", cfg->name, cfg->local, cfg->remote);
		goto fail;
	}
	n->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	n->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->sock < 0 || n->evfd < 0 || bind(n->sock, (struct sockaddr *)&local, llen) != 0) {
		fprintf(stderr, "sim| net %s: cannot bind udp %s: %s\n", cfg->name, cfg->local,
			strerror(errno));
		goto fail;
	}
	n->ops = (struct sim_vdev_ops){
		.device_id = VIRTIO_ID_NET,
		.features = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_NET_F_MAC) |
			    (1ull << VIRTIO_NET_F_STATUS) | (1ull << VIRTIO_RING_F_EVENT_IDX),
		.nqueues = 2,
		.queue_max = 256, /* QEMU's virtio-net default */
		.config_size = 8,
		.config_byte = config_byte,
		.notify = notify,
		.live = live,
	};
	if (cfg->misbehave == SIM_NET_NO_VERSION1)
		n->ops.features &= ~(1ull << VIRTIO_F_VERSION_1);
	sim_vmmio_attach(t, &n->ops, n);
	return n;
fail:
	if (n->sock >= 0)
		close(n->sock);
	if (n->evfd >= 0)
		close(n->evfd);
	free(n);
	return NULL;
}

int sim_net_start(struct sim_net *n)
{
	if (pthread_create(&n->rx, NULL, rx_thread, n) != 0)
		return -1;
	n->started = true;
	return 0;
}

void sim_net_stop(struct sim_net *n)
{
	if (!n->started)
		return;
	atomic_store(&n->stop, true);
	wake_rx(n);
	pthread_join(n->rx, NULL);
	n->started = false;
}

void sim_net_report(const struct sim_net *n)
{
	printf("sim| net %s: rx %llu frames, tx %llu frames; dropped: rx too big %llu, rx empty %llu, tx bad "
	       "%llu, "
	       "tx send errors %llu; driver errors %llu%s%s\n",
	       n->cfg.name, (unsigned long long)n->n.rx, (unsigned long long)n->n.tx,
	       (unsigned long long)n->n.rx_toobig, (unsigned long long)n->n.rx_empty,
	       (unsigned long long)n->n.tx_bad, (unsigned long long)n->n.tx_err,
	       (unsigned long long)n->n.broken, n->why ? ", first: " : "", n->why ? n->why : "");
	if (n->cfg.misbehave != SIM_NET_HONEST)
		printf("sim| net %s: misbehaving (%s, every %u): injected rx %llu, tx %llu\n", n->cfg.name,
		       misbehave_names[n->cfg.misbehave], n->cfg.every,
		       (unsigned long long)n->n.injected[RXQ], (unsigned long long)n->n.injected[TXQ]);
}
