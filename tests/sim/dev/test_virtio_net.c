/* The simulator's virtio-net model (sim/dev/) driven directly, as a driver
 * would through its registers, against stand-ins for the simulator (RAM is
 * a malloc'd block, the interrupt line a variable): identification,
 * feature negotiation, queue checks, receive and transmit over loopback
 * UDP, notification suppression, a hostile driver's rings (the model must
 * stop, never crash), and each misbehaving mode. Waits for the receive
 * thread have a generous deadline; nothing is timed. */
#include <arpa/inet.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "dev.h"

#define RAM_SIZE (1u << 20)
#define NUM	 8u
#define HDR	 12u
#define BUF	 2048u

/* ---- stand-ins for the simulator ---- */

static uint8_t *ram;
static atomic_bool irq;

void *sim_ram_span(uint64_t pa, uint64_t len)
{
	return pa > RAM_SIZE || len > RAM_SIZE - pa ? NULL : ram + pa;
}

void sim_irq_set(int line, bool level)
{
	(void)line;
	atomic_store(&irq, level);
}

/* ---- a driver in the test ---- */

struct queue {
	uint64_t desc, avail, used;
	uint16_t avail_idx, used_seen;
};

static const struct sim_mmio_dev *win;
static struct sim_net *net;
static struct queue rxq = {0x1000, 0x2000, 0x3000, 0, 0}, txq = {0x4000, 0x5000, 0x6000, 0, 0};
static int peer;		   /* the test's UDP socket: the "wire" */
static struct sim_vmmio *kept[32]; /* every transport made: they live as long as the test */
static unsigned nkept;
static struct sockaddr_in dev_addr; /* where the device receives */

static uint32_t r32(uint64_t off)
{
	return (uint32_t)win->read(win->dev, off, 4);
}

static void w32(uint64_t off, uint32_t v)
{
	win->write(win->dev, off, 4, v);
}

static struct vring_desc *desc(const struct queue *q, unsigned i)
{
	return (struct vring_desc *)(ram + q->desc) + i;
}

static struct vring_avail *avail(const struct queue *q)
{
	return (struct vring_avail *)(ram + q->avail);
}

static struct vring_used *used(const struct queue *q)
{
	return (struct vring_used *)(ram + q->used);
}

static uint16_t used_idx(const struct queue *q)
{
	return __atomic_load_n(&used(q)->idx, __ATOMIC_ACQUIRE);
}

static void publish(struct queue *q, uint16_t head)
{
	avail(q)->ring[q->avail_idx % NUM] = head;
	q->avail_idx++;
	__atomic_store_n(&avail(q)->idx, q->avail_idx, __ATOMIC_RELEASE);
}

static uint16_t free_port(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;

	bind(s, (struct sockaddr *)&a, sizeof a);
	getsockname(s, (struct sockaddr *)&a, &len);
	close(s);
	return ntohs(a.sin_port);
}

/* A fresh device (all of RAM zeroed) with the wire between it and `peer`. */
static void device(int misbehave, unsigned every)
{
	struct sim_net_cfg cfg = {.name = "vnet", .mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56}};
	struct sockaddr_in me = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof me;
	struct sim_vmmio *t = sim_vmmio_new("vnet", 0x10000000, 0);

	if (net)
		sim_net_stop(net);
	if (peer > 0)
		close(peer);
	memset(ram, 0, RAM_SIZE);
	rxq.avail_idx = rxq.used_seen = txq.avail_idx = txq.used_seen = 0;
	peer = socket(AF_INET, SOCK_DGRAM, 0);
	bind(peer, (struct sockaddr *)&me, sizeof me);
	getsockname(peer, (struct sockaddr *)&me, &len);
	dev_addr = (struct sockaddr_in){.sin_family = AF_INET,
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
					.sin_port = htons(free_port())};
	snprintf(cfg.local, sizeof cfg.local, "127.0.0.1:%u", ntohs(dev_addr.sin_port));
	snprintf(cfg.remote, sizeof cfg.remote, "127.0.0.1:%u", ntohs(me.sin_port));
	cfg.misbehave = misbehave;
	cfg.every = every;
	kept[nkept++ % 32] = t;
	net = sim_net_new(t, &cfg);
	win = sim_vmmio_window(t);
	CHECK(net && sim_net_start(net) == 0);
	atomic_store(&irq, false);
}

static void setup_queue(unsigned sel, const struct queue *q, uint32_t num)
{
	w32(VIRTIO_MMIO_QUEUE_SEL, sel);
	w32(VIRTIO_MMIO_QUEUE_NUM, num);
	w32(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
	w32(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(q->desc >> 32));
	w32(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)q->avail);
	w32(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(q->avail >> 32));
	w32(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)q->used);
	w32(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(q->used >> 32));
	w32(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* virtio 1.2 3.1.1, as a driver does it; returns Status. */
static uint32_t negotiate(uint64_t features)
{
	w32(VIRTIO_MMIO_STATUS, 0);
	w32(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	w32(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	for (unsigned sel = 0; sel < 2; sel++) {
		w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
		w32(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> (32 * sel)));
	}
	w32(VIRTIO_MMIO_STATUS,
	    VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	return r32(VIRTIO_MMIO_STATUS);
}

static const uint64_t BASIC = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_NET_F_MAC);

static void bring_up(uint64_t features)
{
	CHECK(negotiate(features) & VIRTIO_CONFIG_S_FEATURES_OK);
	setup_queue(0, &rxq, NUM);
	setup_queue(1, &txq, NUM);
	w32(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
					VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void post_rx(unsigned i, uint32_t len)
{
	*desc(&rxq, i) =
		(struct vring_desc){.addr = 0x10000 + i * BUF, .len = len, .flags = VRING_DESC_F_WRITE};
	publish(&rxq, (uint16_t)i);
}

static void send_frame(uint32_t len, uint8_t tag)
{
	uint8_t f[1514];

	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(tag + i);
	sendto(peer, f, len, 0, (struct sockaddr *)&dev_addr, sizeof dev_addr);
}

static bool frame_ok(uint64_t pa, uint32_t len, uint8_t tag)
{
	for (uint32_t i = 0; i < len; i++)
		if (ram[pa + HDR + i] != (uint8_t)(tag + i))
			return false;
	return ((struct virtio_net_hdr_v1 *)(ram + pa))->num_buffers == 1;
}

/* Until used->idx reaches `want` (the receive thread's work), 10 s at most. */
static bool wait_used(const struct queue *q, uint16_t want)
{
	for (unsigned i = 0; i < 10000; i++) {
		if ((uint16_t)(used_idx(q) - want) < 0x8000)
			return true;
		usleep(1000);
	}
	return false;
}

static bool needs_reset(void)
{
	return r32(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

/* ---- tests ---- */

static void t_identity(void)
{
	device(SIM_NET_HONEST, 1);
	CHECK(r32(VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976 && r32(VIRTIO_MMIO_VERSION) == 2);
	CHECK(r32(VIRTIO_MMIO_DEVICE_ID) == 1);
	w32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	CHECK(r32(VIRTIO_MMIO_DEVICE_FEATURES) & 1); /* VERSION_1 is bit 32 */
	w32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	CHECK(r32(VIRTIO_MMIO_DEVICE_FEATURES) & (1u << VIRTIO_NET_F_MAC));
	CHECK(win->read(win->dev, VIRTIO_MMIO_CONFIG + 5, 1) == 0x56);
	CHECK(win->read(win->dev, VIRTIO_MMIO_CONFIG + 6, 2) == VIRTIO_NET_S_LINK_UP);
	CHECK(win->read(win->dev, VIRTIO_MMIO_DEVICE_ID, 2) == 0); /* control registers: 32-bit only */
}

static void t_negotiation(void)
{
	device(SIM_NET_HONEST, 1);
	CHECK(!(negotiate(1ull << VIRTIO_NET_F_MAC) & VIRTIO_CONFIG_S_FEATURES_OK)); /* no VERSION_1 */
	CHECK(!(negotiate(BASIC | (1ull << VIRTIO_NET_F_MRG_RXBUF)) & VIRTIO_CONFIG_S_FEATURES_OK));
	CHECK(negotiate(BASIC) & VIRTIO_CONFIG_S_FEATURES_OK);
	device(SIM_NET_NO_VERSION1, 1);
	w32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	CHECK(!(r32(VIRTIO_MMIO_DEVICE_FEATURES) & 1));
	CHECK(!(negotiate(BASIC) & VIRTIO_CONFIG_S_FEATURES_OK));
}

static void t_queue_checks(void)
{
	struct queue off_ram = {0x1000, 0x2000, RAM_SIZE - 16, 0, 0}, odd = {0x1008, 0x2000, 0x3000, 0, 0};

	device(SIM_NET_HONEST, 1);
	negotiate(BASIC);
	w32(VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK(r32(VIRTIO_MMIO_QUEUE_NUM_MAX) == 256);
	setup_queue(0, &rxq, 3); /* not a power of two */
	CHECK(r32(VIRTIO_MMIO_QUEUE_READY) == 0);
	setup_queue(0, &rxq, 512); /* above QueueNumMax */
	CHECK(r32(VIRTIO_MMIO_QUEUE_READY) == 0);
	setup_queue(0, &odd, NUM); /* descriptor table not 16-aligned */
	CHECK(r32(VIRTIO_MMIO_QUEUE_READY) == 0);
	setup_queue(0, &off_ram, NUM); /* used ring past the end of RAM */
	CHECK(r32(VIRTIO_MMIO_QUEUE_READY) == 0);
	setup_queue(0, &rxq, NUM);
	CHECK(r32(VIRTIO_MMIO_QUEUE_READY) == 1);
	w32(VIRTIO_MMIO_QUEUE_SEL, 2); /* no such queue */
	CHECK(r32(VIRTIO_MMIO_QUEUE_NUM_MAX) == 0);
}

static void t_receive(void)
{
	static const uint32_t sizes[] = {60, 1514, 100};

	device(SIM_NET_HONEST, 1);
	bring_up(BASIC);
	for (unsigned i = 0; i < 4; i++)
		post_rx(i, BUF);
	for (unsigned i = 0; i < 3; i++)
		send_frame(sizes[i], (uint8_t)(i * 50));
	CHECK(wait_used(&rxq, 3));
	for (unsigned i = 0; i < 3; i++) {
		CHECK(used(&rxq)->ring[i].id == i && used(&rxq)->ring[i].len == HDR + sizes[i]);
		CHECK(frame_ok(0x10000 + i * BUF, sizes[i], (uint8_t)(i * 50)));
	}
	CHECK(atomic_load(&irq) && r32(VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_VRING);
	w32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	CHECK(!atomic_load(&irq) && r32(VIRTIO_MMIO_INTERRUPT_STATUS) == 0);

	post_rx(4, 100);
	send_frame(60, 9);  /* into buffer 3, posted before */
	send_frame(200, 7); /* too big for buffer 4: dropped, the buffer handed back empty */
	CHECK(wait_used(&rxq, 5));
	CHECK(used(&rxq)->ring[3].id == 3 && used(&rxq)->ring[3].len == HDR + 60);
	CHECK(used(&rxq)->ring[4].id == 4 && used(&rxq)->ring[4].len == 0);
}

static void t_transmit(void)
{
	uint8_t got[2048];
	static uint8_t hdr[HDR];

	device(SIM_NET_HONEST, 1);
	bring_up(BASIC);
	memset(hdr, 0, sizeof hdr);
	/* header and frame in two descriptors, as drivers often do */
	memcpy(ram + 0x20000, hdr, HDR);
	for (unsigned i = 0; i < 300; i++)
		ram[0x20100 + i] = (uint8_t)(i ^ 0x5a);
	*desc(&txq, 0) =
		(struct vring_desc){.addr = 0x20000, .len = HDR, .flags = VRING_DESC_F_NEXT, .next = 1};
	*desc(&txq, 1) = (struct vring_desc){.addr = 0x20100, .len = 300};
	publish(&txq, 0);
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	CHECK(recv(peer, got, sizeof got, 0) == 300);
	CHECK(got[0] == 0x5a && got[299] == (uint8_t)(299 ^ 0x5a));
	CHECK(used_idx(&txq) == 1 && used(&txq)->ring[0].id == 0);
	CHECK(atomic_load(&irq));
}

/* A hostile driver: the device stops (DEVICE_NEEDS_RESET, configuration
 * interrupt) and a reset brings it back; nothing outside RAM is touched. */
static void hostile(void (*make)(void), const char *what)
{
	device(SIM_NET_HONEST, 1);
	bring_up(BASIC);
	make();
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	if (!needs_reset())
		fprintf(stderr, "hostile %s: not refused\n", what);
	CHECK(needs_reset() && (r32(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG));
	CHECK(used_idx(&txq) == 0);
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 1); /* ignored now */
	w32(VIRTIO_MMIO_STATUS, 0);
	CHECK(r32(VIRTIO_MMIO_STATUS) == 0 && !atomic_load(&irq));
}

static void outside_ram(void)
{
	*desc(&txq, 0) = (struct vring_desc){.addr = RAM_SIZE - 8, .len = 64};
	publish(&txq, 0);
}

static void wraps(void)
{
	*desc(&txq, 0) = (struct vring_desc){.addr = UINT64_MAX - 8, .len = 64};
	publish(&txq, 0);
}

static void loop(void)
{
	*desc(&txq, 0) =
		(struct vring_desc){.addr = 0x20000, .len = 64, .flags = VRING_DESC_F_NEXT, .next = 1};
	*desc(&txq, 1) =
		(struct vring_desc){.addr = 0x20000, .len = 64, .flags = VRING_DESC_F_NEXT, .next = 0};
	publish(&txq, 0);
}

static void head_out_of_range(void)
{
	publish(&txq, NUM + 3);
}

static void next_out_of_range(void)
{
	*desc(&txq, 0) =
		(struct vring_desc){.addr = 0x20000, .len = 64, .flags = VRING_DESC_F_NEXT, .next = 99};
	publish(&txq, 0);
}

static void too_many_available(void)
{
	__atomic_store_n(&avail(&txq)->idx, 1000, __ATOMIC_RELEASE);
}

static void indirect(void)
{
	*desc(&txq, 0) = (struct vring_desc){.addr = 0x20000, .len = 64, .flags = VRING_DESC_F_INDIRECT};
	publish(&txq, 0);
}

static void t_hostile(void)
{
	hostile(outside_ram, "outside RAM");
	hostile(wraps, "address wraps");
	hostile(loop, "descriptor loop");
	hostile(head_out_of_range, "head out of range");
	hostile(next_out_of_range, "next out of range");
	hostile(too_many_available, "more available than the queue holds");
	hostile(indirect, "INDIRECT not negotiated");
	/* After the reset the same device works again. */
	bring_up(BASIC);
	post_rx(0, BUF);
	send_frame(64, 1);
	CHECK(wait_used(&rxq, 1) && frame_ok(0x10000, 64, 1));
}

static void t_suppression(void)
{
	/* EVENT_IDX: interrupt when the used entry named by used_event is
	 * written, not before. */
	device(SIM_NET_HONEST, 1);
	bring_up(BASIC | (1ull << VIRTIO_RING_F_EVENT_IDX));
	avail(&rxq)->ring[NUM] = 3; /* used_event */
	for (unsigned i = 0; i < 6; i++)
		post_rx(i, BUF);
	for (unsigned i = 0; i < 3; i++)
		send_frame(64, (uint8_t)i);
	CHECK(wait_used(&rxq, 3));
	/* The first decision always interrupts (no previous one to compare);
	 * acknowledge it and expect none for entries 1 and 2. */
	w32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	send_frame(64, 3); /* entry 3: the one used_event names */
	CHECK(wait_used(&rxq, 4));
	CHECK(atomic_load(&irq));
	w32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	send_frame(64, 4);
	CHECK(wait_used(&rxq, 5));
	CHECK(!atomic_load(&irq));
	/* Out of buffers, the device asks to be notified at the next one. */
	send_frame(64, 5);
	CHECK(wait_used(&rxq, 6));
	for (unsigned i = 0; i < 1000 && *(uint16_t *)&used(&rxq)->ring[NUM] != 6; i++)
		usleep(1000);
	CHECK(*(uint16_t *)&used(&rxq)->ring[NUM] == 6); /* avail_event */

	/* Without EVENT_IDX: VIRTQ_AVAIL_F_NO_INTERRUPT. */
	device(SIM_NET_HONEST, 1);
	bring_up(BASIC);
	avail(&rxq)->flags = VRING_AVAIL_F_NO_INTERRUPT;
	post_rx(0, BUF);
	send_frame(64, 1);
	CHECK(wait_used(&rxq, 1) && !atomic_load(&irq));
}

static void t_misbehave(void)
{
	/* bad-id: an extra element with an id past the queue, then the real one. */
	device(SIM_NET_BAD_ID, 1);
	bring_up(BASIC);
	post_rx(0, BUF);
	send_frame(64, 1);
	CHECK(wait_used(&rxq, 2));
	CHECK(used(&rxq)->ring[0].id >= NUM && used(&rxq)->ring[1].id == 0 && frame_ok(0x10000, 64, 1));

	/* long-len: every 2nd completion claims more than the buffer holds. */
	device(SIM_NET_LONG_LEN, 2);
	bring_up(BASIC);
	post_rx(0, BUF);
	post_rx(1, BUF);
	send_frame(64, 1);
	send_frame(64, 2);
	CHECK(wait_used(&rxq, 2));
	CHECK(used(&rxq)->ring[0].len == HDR + 64 && used(&rxq)->ring[1].len > BUF);

	/* reorder: the later buffer completed first; frames stay in order. */
	device(SIM_NET_REORDER, 2);
	bring_up(BASIC);
	for (unsigned i = 0; i < 4; i++)
		post_rx(i, BUF);
	for (unsigned i = 0; i < 3; i++)
		send_frame(64, (uint8_t)(10 * i));
	CHECK(wait_used(&rxq, 3));
	CHECK(used(&rxq)->ring[0].id == 0 && used(&rxq)->ring[1].id == 2 && used(&rxq)->ring[2].id == 1);
	CHECK(frame_ok(0x10000, 64, 0) && frame_ok(0x10000 + 2 * BUF, 64, 10) &&
	      frame_ok(0x10000 + BUF, 64, 20));
}

int main(void)
{
	ram = aligned_alloc(4096, RAM_SIZE);
	t_identity();
	t_negotiation();
	t_queue_checks();
	t_receive();
	t_transmit();
	t_hostile();
	t_suppression();
	t_misbehave();
	sim_net_stop(net);
	close(peer);
	free(ram);
	return check_summary();
}
