/* A virtio-mmio transport, version 2 ("modern", virtio 1.2 section 4.2),
 * as QEMU virt's with -global virtio-mmio.force-legacy=false: the register
 * file, device status and feature negotiation (3.1), queue set-up, the
 * interrupt status and its level-sensitive line. Without a device behind
 * it (sim_vmmio_attach) it reads as an empty slot, DeviceID 0, like an
 * unused QEMU transport. One lock per transport serialises the MMIO path
 * (a shard's core thread) and the device's own threads. */
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dev.h"

#define MAGIC	   0x74726976u /* "virt" (4.2.2) */
#define VENDOR	   0x53534554u /* "TESS" */
#define REGS_SIZE  0x200u
#define MAX_QUEUES 4u

struct sim_vmmio {
	struct sim_mmio_dev win;
	char name[32];
	int line;
	pthread_mutex_t lock;
	const struct sim_vdev_ops *ops; /* NULL: an empty slot */
	void *dev;
	uint32_t dev_sel, drv_sel, queue_sel;
	uint64_t drv_features;
	uint32_t status, isr;
	bool live; /* DRIVER_OK, not broken */
	struct sim_vq q[MAX_QUEUES];
};

static uint64_t mmio_read(void *dev, uint64_t off, unsigned size);
static void mmio_write(void *dev, uint64_t off, unsigned size, uint64_t val);

struct sim_vmmio *sim_vmmio_new(const char *name, uint64_t base, int line)
{
	struct sim_vmmio *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	snprintf(t->name, sizeof t->name, "%s", name);
	t->line = line;
	pthread_mutex_init(&t->lock, NULL);
	t->win = (struct sim_mmio_dev){.name = t->name,
				       .base = base,
				       .size = REGS_SIZE,
				       .read = mmio_read,
				       .write = mmio_write,
				       .dev = t};
	return t;
}

void sim_vmmio_attach(struct sim_vmmio *t, const struct sim_vdev_ops *ops, void *dev)
{
	t->ops = ops;
	t->dev = dev;
}

const struct sim_mmio_dev *sim_vmmio_window(struct sim_vmmio *t)
{
	return &t->win;
}

void sim_vmmio_lock(struct sim_vmmio *t)
{
	pthread_mutex_lock(&t->lock);
}

void sim_vmmio_unlock(struct sim_vmmio *t)
{
	pthread_mutex_unlock(&t->lock);
}

static unsigned nqueues(const struct sim_vmmio *t)
{
	unsigned n = t->ops ? t->ops->nqueues : 0;

	return n < MAX_QUEUES ? n : MAX_QUEUES;
}

struct sim_vq *sim_vmmio_queue(struct sim_vmmio *t, unsigned q)
{
	if (!t->live || q >= nqueues(t) || !t->q[q].ready)
		return NULL;
	return &t->q[q];
}

static void interrupt(struct sim_vmmio *t, uint32_t bits)
{
	t->isr |= bits;
	sim_irq_set(t->line, t->isr != 0);
}

void sim_vmmio_used(struct sim_vmmio *t, struct sim_vq *q)
{
	if (sim_vq_should_interrupt(q))
		interrupt(t, VIRTIO_MMIO_INT_VRING);
}

static void set_live(struct sim_vmmio *t, bool live)
{
	if (t->live == live)
		return;
	t->live = live;
	if (t->ops && t->ops->live)
		t->ops->live(t->dev, live);
}

void sim_vmmio_broken(struct sim_vmmio *t)
{
	set_live(t, false);
	t->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	interrupt(t, VIRTIO_MMIO_INT_CONFIG);
}

/* Writing 0 to Status (3.1.1 step 1, 4.2.3.1): everything to its initial
 * state, the interrupt line low. */
static void reset(struct sim_vmmio *t)
{
	set_live(t, false);
	t->status = t->isr = 0;
	t->dev_sel = t->drv_sel = t->queue_sel = 0;
	t->drv_features = 0;
	for (unsigned i = 0; i < MAX_QUEUES; i++)
		sim_vq_reset(&t->q[i]);
	sim_irq_set(t->line, false);
}

/* 3.1.1: FEATURES_OK only sticks if the driver accepted a subset of what
 * we offer, including VIRTIO_F_VERSION_1 (a version 2 transport drives
 * only virtio 1.x devices, 4.2.2); DRIVER_OK makes the queues live. A
 * driver that clears a bit (other than by reset) stops the device. */
static void write_status(struct sim_vmmio *t, uint32_t v)
{
	uint64_t offered = t->ops ? t->ops->features : 0;

	if (v == 0) {
		reset(t);
		return;
	}
	if ((v & VIRTIO_CONFIG_S_FEATURES_OK) && !(t->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((t->drv_features & ~offered) || !(t->drv_features & (1ull << VIRTIO_F_VERSION_1))))
		v &= ~(uint32_t)VIRTIO_CONFIG_S_FEATURES_OK;
	v |= t->status & VIRTIO_CONFIG_S_NEEDS_RESET;
	t->status = v;
	set_live(t, t->ops && (v & VIRTIO_CONFIG_S_DRIVER_OK) && (v & VIRTIO_CONFIG_S_FEATURES_OK) &&
			    !(v & (VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_NEEDS_RESET)));
}

static struct sim_vq *selected(struct sim_vmmio *t)
{
	return t->queue_sel < nqueues(t) ? &t->q[t->queue_sel] : NULL;
}

static void set_half(uint64_t *v, bool high, uint32_t half)
{
	*v = high ? (*v & 0xffffffffull) | (uint64_t)half << 32 : (*v & ~0xffffffffull) | half;
}

/* Queue addresses and size: only while the queue is not ready (4.2.2). */
static void write_queue(struct sim_vmmio *t, uint64_t off, uint32_t v)
{
	struct sim_vq *q = selected(t);

	if (!q || q->ready)
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->num = v > 0xffffu ? 0 : (uint16_t)v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_half(&q->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		/* A queue the device cannot use stays not ready: the driver
		 * reads 0 back. */
		if (v == 1 && (t->status & VIRTIO_CONFIG_S_FEATURES_OK))
			sim_vq_enable(q, t->ops->queue_max,
				      t->drv_features & (1ull << VIRTIO_RING_F_EVENT_IDX));
		break;
	}
}

static void write_reg(struct sim_vmmio *t, uint64_t off, uint32_t v)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->dev_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (t->drv_sel < 2 && !(t->status & VIRTIO_CONFIG_S_FEATURES_OK))
			set_half(&t->drv_features, t->drv_sel == 1, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->drv_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v < nqueues(t) && sim_vmmio_queue(t, v))
			t->ops->notify(t->dev, v);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->isr &= ~v;
		sim_irq_set(t->line, t->isr != 0);
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(t, v);
		break;
	default:
		write_queue(t, off, v);
		break;
	}
}

static uint32_t read_reg(struct sim_vmmio *t, uint64_t off)
{
	struct sim_vq *q = selected(t);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return t->ops ? t->ops->device_id : 0;
	case VIRTIO_MMIO_VENDOR_ID:
		return VENDOR;
	}
	if (!t->ops)
		return 0;
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return t->dev_sel < 2 ? (uint32_t)(t->ops->features >> (32 * t->dev_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? t->ops->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return t->isr;
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0; /* the configuration never changes */
	}
	return 0;
}

/* Configuration space (4.2.2: any width the field allows), little-endian. */
static uint64_t read_config(struct sim_vmmio *t, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; t->ops && i < size; i++)
		if (off + i < t->ops->config_size)
			v |= (uint64_t)t->ops->config_byte(t->dev, (unsigned)(off + i)) << (8 * i);
	return v;
}

/* 4.2.2.2: control registers take 32-bit aligned accesses only; others
 * read 0 and are ignored, as QEMU does. */
static uint64_t mmio_read(void *dev, uint64_t off, unsigned size)
{
	struct sim_vmmio *t = dev;
	uint64_t v = 0;

	pthread_mutex_lock(&t->lock);
	if (off >= VIRTIO_MMIO_CONFIG)
		v = read_config(t, off - VIRTIO_MMIO_CONFIG, size);
	else if (size == 4 && !(off & 3))
		v = read_reg(t, off);
	pthread_mutex_unlock(&t->lock);
	return v;
}

static void mmio_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct sim_vmmio *t = dev;

	pthread_mutex_lock(&t->lock);
	if (off < VIRTIO_MMIO_CONFIG && size == 4 && !(off & 3))
		write_reg(t, off, (uint32_t)val);
	pthread_mutex_unlock(&t->lock);
}
