/* The virtio-mmio transport, version 2 only (virtio 1.2, 4.2): probing,
 * reset, the status handshake and feature negotiation (2.1, 2.2, 3.1),
 * queue setup (4.2.3.2) and notifications (4.2.3.3, 4.2.3.4). Registers
 * are 32-bit and accessed 32 bits wide (4.2.2.2), the device-specific
 * configuration bytewise (the MAC). */
#include "net.h"

#define VIRT_MAGIC 0x74726976u /* "virt" (4.2.2) */
/* Status polls before a reset is declared stuck (a device resets at once). */
#define RESET_POLLS 1000000u

static uint32_t rd(unsigned off)
{
	return tess_mmio_r32(net.regs + off);
}

static void wr(unsigned off, uint32_t v)
{
	tess_mmio_w32(net.regs + off, v);
}

/* 2.1.1: the driver never clears a status bit; it adds one at a time, so
 * the value written always holds every bit set before. */
static void status_add(uint32_t bit)
{
	net.status |= bit;
	wr(VIRTIO_MMIO_STATUS, net.status);
}

bool vt_probe(void)
{
	uint32_t magic = rd(VIRTIO_MMIO_MAGIC_VALUE), version = rd(VIRTIO_MMIO_VERSION), id;

	/* 4.2.3.1.1: check MagicValue and Version, then DeviceID; a zero
	 * DeviceID is an empty transport: touch nothing else. */
	if (magic != VIRT_MAGIC) {
		tess_log("virtio-mmio: no device (magic 0x%08x, want 0x%08x)", magic, VIRT_MAGIC);
		return false;
	}
	if (version == 1) {
		tess_log("virtio-mmio: legacy device (version 1) refused: this driver speaks virtio 1.x "
			 "over virtio-mmio version 2 (QEMU: -global virtio-mmio.force-legacy=false)");
		return false;
	}
	if (version != 2) {
		tess_log("virtio-mmio: unknown transport version %u refused", version);
		return false;
	}
	id = rd(VIRTIO_MMIO_DEVICE_ID);
	if (id == 0) {
		tess_log("virtio-mmio: no device behind the transport (device id 0)");
		return false;
	}
	if (id != VIRTIO_ID_NET) {
		tess_log("virtio-mmio: device id %u is not a network device (%u)", id, VIRTIO_ID_NET);
		return false;
	}
	return true;
}

/* 2.4.2: a reset is complete when Status reads 0 again. The reset
 * also stops every DMA the device had in flight, so it comes first on
 * every (re)start, before the rings are touched. */
bool vt_reset(void)
{
	net.status = 0;
	wr(VIRTIO_MMIO_STATUS, 0);
	for (uint32_t i = 0; i < RESET_POLLS; i++)
		if (rd(VIRTIO_MMIO_STATUS) == 0)
			return true;
	tess_log("virtio-mmio: device did not complete its reset (status 0x%x)", rd(VIRTIO_MMIO_STATUS));
	return false;
}

static uint64_t device_features(void)
{
	uint64_t f;

	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

static void read_mac(void)
{
	uint32_t gen;

	/* 2.5.1: re-read while ConfigGeneration changes; 8-bit fields are read
	 * 8 bits wide (4.2.2.2). */
	do {
		gen = rd(VIRTIO_MMIO_CONFIG_GENERATION);
		for (unsigned i = 0; i < 6; i++)
			net.mac[i] = tess_mmio_r8(net.regs + VIRTIO_MMIO_CONFIG +
						  __builtin_offsetof(struct virtio_net_config, mac) + i);
	} while (gen != rd(VIRTIO_MMIO_CONFIG_GENERATION));
}

/* 3.1.1 steps 2-6: ACKNOWLEDGE, DRIVER, features, FEATURES_OK and its
 * re-read. We accept VIRTIO_F_VERSION_1 (required: no legacy layouts) and
 * VIRTIO_NET_F_MAC, nothing else: no checksum offload, no GSO, no
 * mergeable buffers, so every received frame fits one buffer whole
 * (5.1.6.3.1) and every transmitted one needs no offload fields. */
bool vt_negotiate(void)
{
	const uint64_t need = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_NET_F_MAC;
	uint64_t have;

	status_add(VIRTIO_CONFIG_S_ACKNOWLEDGE);
	status_add(VIRTIO_CONFIG_S_DRIVER);
	have = device_features();
	if (!(have & 1ull << VIRTIO_F_VERSION_1)) {
		tess_log("virtio-net: device offers no VIRTIO_F_VERSION_1 (features 0x%llx): a legacy "
			 "device, refused",
			 (unsigned long long)have);
		return false;
	}
	if (!(have & 1ull << VIRTIO_NET_F_MAC)) {
		tess_log("virtio-net: device offers no VIRTIO_NET_F_MAC (features 0x%llx), refused",
			 (unsigned long long)have);
		return false;
	}
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)need);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(need >> 32));
	status_add(VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		tess_log("virtio-net: device did not accept features 0x%llx (FEATURES_OK cleared)",
			 (unsigned long long)need);
		return false;
	}
	read_mac();
	return true;
}

/* 4.2.3.2: select, check it is unused, size it, give it the three parts'
 * bus addresses, mark it ready. The size is ours, capped by QueueNumMax. */
bool vt_queue(struct vq *q)
{
	uint32_t max;

	wr(VIRTIO_MMIO_QUEUE_SEL, q->index);
	if (rd(VIRTIO_MMIO_QUEUE_READY) != 0) {
		tess_log("virtio-net: queue %u already in use after reset", q->index);
		return false;
	}
	max = rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max < q->size) {
		tess_log("virtio-net: queue %u: the device takes at most %u entries, not %u (config "
			 "queue_size)",
			 q->index, max, q->size);
		return false;
	}
	wr(VIRTIO_MMIO_QUEUE_NUM, q->size);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)vq_bus(q->desc));
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(vq_bus(q->desc) >> 32));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)vq_bus(q->avail));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(vq_bus(q->avail) >> 32));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)vq_bus(q->used));
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(vq_bus(q->used) >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	return true;
}

void vt_driver_ok(void)
{
	status_add(VIRTIO_CONFIG_S_DRIVER_OK);
}

/* 2.1.1: give up on the device until the next reset. */
void vt_failed(void)
{
	status_add(VIRTIO_CONFIG_S_FAILED);
}

/* 4.2.3.4: read what caused the interrupt and acknowledge exactly that,
 * before the line is unmasked again. */
uint32_t vt_irq_status(void)
{
	uint32_t isr = rd(VIRTIO_MMIO_INTERRUPT_STATUS);

	if (isr)
		wr(VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return isr;
}

/* 2.1.2: the device reports an error it cannot recover from. */
bool vt_needs_reset(void)
{
	return (rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET) != 0;
}

/* 4.2.3.3: the queue's index to QueueNotify (no NOTIFICATION_DATA). */
void vt_notify(const struct vq *q)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}
