/* virtio_rng: x86_64 test shard for IOAPIC routing of a granted device IRQ
 * (tests/qemu/manifests/faults-x86_64.yaml; the counterpart of pl031_alarm
 * on aarch64 and goldfish_alarm on riscv64). microvm's devices the
 * kernel can grant are its virtio-mmio transports (the RTC and serial are
 * I/O ports, never granted); the board's QEMU line attaches a
 * virtio-rng-device to transport 1 (GSI 25; see scripts/gen-boards.py for
 * why not 0), which QEMU 7.2 runs in the legacy interface. Driver (virtio 1.2 §4.2.4 "Legacy interface", §2.7
 * legacy queue layout, §5.4 entropy device): one queue of QSIZE in this
 * shard's .bss, its physical address from tess_self.maps; each request is
 * one device-writable buffer. Every interrupt: acknowledge it at the
 * device, log "interrupt <n>: <len> random bytes", post the next request
 * (up to REQUESTS), then TESS_SYS_IRQ_ACK (unmask at the IOAPIC). The
 * manifest grants it device virtio_mmio1 (its registers and IRQ bit come
 * from the generated tessera_shard_cfg.h). */
#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define MAGIC		0x000
#define VERSION		0x004
#define DEVICE_ID	0x008
#define GUEST_FEATURES	0x020
#define GUEST_PAGE_SIZE 0x028
#define QUEUE_SEL	0x030
#define QUEUE_NUM_MAX	0x034
#define QUEUE_NUM	0x038
#define QUEUE_ALIGN	0x03c
#define QUEUE_PFN	0x040
#define QUEUE_NOTIFY	0x050
#define INTR_STATUS	0x060
#define INTR_ACK	0x064
#define STATUS		0x070
#define ST_ACK		1
#define ST_DRIVER	2
#define ST_DRIVER_OK	4
#define DEV_ENTROPY	4
#define DESC_WRITE	2 /* VIRTQ_DESC_F_WRITE: device writes the buffer */
#define QSIZE		8
#define PAGE		4096
#define REQUESTS	5
#define BUF_BYTES	16

#ifndef TESS_DEV_VIRTIO_MMIO1_VA
#error "virtio_rng drives device virtio_mmio1: grant it in the manifest"
#endif

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* Legacy layout: descriptors, available ring, then the used ring on the
 * next QueueAlign (PAGE) boundary. */
static struct {
	struct desc desc[QSIZE];
	uint16_t avail_flags, avail_idx, avail_ring[QSIZE], used_event;
	uint8_t pad[PAGE - QSIZE * sizeof(struct desc) - (3 + QSIZE) * 2];
	uint16_t used_flags, used_idx;
	struct {
		uint32_t id, len;
	} used_ring[QSIZE];
} __attribute__((aligned(PAGE))) vq;
static uint8_t buf[BUF_BYTES];

static volatile uint32_t *dev;
static const unsigned irq_bit = TESS_IRQ_VIRTIO_MMIO1;
static unsigned posted, seen;
static uint16_t last_used;

static uint32_t reg(unsigned off)
{
	return dev[off / 4];
}

static void set(unsigned off, uint32_t v)
{
	dev[off / 4] = v;
}

/* The physical address of a byte of this shard's image (data and bss). */
static uint64_t pa_of(const void *p)
{
	uint64_t va = (uint64_t)(uintptr_t)p;
	for (unsigned i = 0; i < tess_self.nmaps; i++) {
		const struct tess_map *m = &tess_self.maps[i];
		if (m->kind == TESS_MAP_KIND_IMAGE && va >= m->va && va - m->va < m->size)
			return m->pa + (va - m->va);
	}
	return 0;
}

static void post(void)
{
	volatile struct desc *d = &vq.desc[0];
	d->addr = pa_of(buf);
	d->len = BUF_BYTES;
	d->flags = DESC_WRITE;
	d->next = 0;
	((volatile uint16_t *)vq.avail_ring)[posted % QSIZE] = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* descriptor before index (§2.7.13) */
	*(volatile uint16_t *)&vq.avail_idx = (uint16_t)++posted;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	set(QUEUE_NOTIFY, 0);
}

void shard_init(enum tess_start_reason why)
{
	dev = (volatile uint32_t *)(uintptr_t)TESS_DEV_VIRTIO_MMIO1_VA;
	if (reg(MAGIC) != 0x74726976 || reg(VERSION) != 1 || reg(DEVICE_ID) != DEV_ENTROPY) {
		tess_log("up (reason %d): no legacy virtio-rng on the granted transport", why);
		dev = 0;
		return;
	}
	set(STATUS, 0); /* reset */
	set(STATUS, ST_ACK);
	set(STATUS, ST_ACK | ST_DRIVER);
	set(GUEST_FEATURES, 0);
	set(GUEST_PAGE_SIZE, PAGE);
	set(QUEUE_SEL, 0);
	if (reg(QUEUE_NUM_MAX) < QSIZE) {
		tess_log("up (reason %d): virtio-rng queue too small", why);
		dev = 0;
		return;
	}
	set(QUEUE_NUM, QSIZE);
	set(QUEUE_ALIGN, PAGE);
	set(QUEUE_PFN, (uint32_t)(pa_of(&vq) / PAGE));
	set(STATUS, ST_ACK | ST_DRIVER | ST_DRIVER_OK);
	posted = seen = last_used = 0;
	tess_log("up (reason %d), virtio-rng ready", why);
	post();
}

void shard_notified(tess_set_t set_bits)
{
	if (!dev || !(set_bits & (1ull << irq_bit)))
		return;
	set(INTR_ACK, reg(INTR_STATUS)); /* drops the level IRQ line */
	while (last_used != *(volatile uint16_t *)&vq.used_idx) {
		uint32_t len = ((volatile uint32_t *)&vq.used_ring[last_used % QSIZE].len)[0];
		last_used++;
		tess_log("interrupt %u: %u random bytes", ++seen, len);
		if (posted < REQUESTS)
			post();
	}
	tess_irq_ack(irq_bit);
}
