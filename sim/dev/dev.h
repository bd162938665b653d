/* The simulator's device models (sim/dev/): what they need from the rest of
 * the simulator and what they offer it. Kept apart from sim.h so the models
 * build alone against stand-ins (tests/sim/dev/).
 *
 * A model lives in the simulator process, the way QEMU's devices live
 * outside a guest: shards reach its registers through the mailbox
 * (sim/mmio.c serves a posted access against the shard's granted MMIO
 * windows), it reaches guest memory (virtqueues, buffers) in the RAM memfd
 * by physical address, and it raises its interrupt line (sim/irq.c). Guest
 * memory is shared with hostile shards: every address and index read from
 * it is checked before use, and a model never crashes the simulator. */
#ifndef SIM_DEV_DEV_H
#define SIM_DEV_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- what the simulator provides (sim/ram.c, sim/irq.c) ---- */

/* Pointer to guest RAM [pa, pa + len), or NULL unless all of it lies in
 * RAM (no wrap-around). */
void *sim_ram_span(uint64_t pa, uint64_t len);
/* A device's level-sensitive interrupt line (index from sim_irq_line). */
void sim_irq_set(int line, bool level);

/* ---- MMIO windows (sim/mmio.c dispatches by physical address) ---- */

struct sim_mmio_dev {
	const char *name;
	uint64_t base, size;
	/* An access inside [base, base + size): offset, width 1/2/4/8. */
	uint64_t (*read)(void *dev, uint64_t off, unsigned size);
	void (*write)(void *dev, uint64_t off, unsigned size, uint64_t val);
	void *dev;
};

/* ---- virtio-mmio transports (virtio_mmio.c) ---- */

struct sim_vmmio;

/* A virtio device behind a transport (virtio_net.c). Called with the
 * transport's lock held. */
struct sim_vdev_ops {
	uint32_t device_id;   /* virtio 1.2 section 5: 1 = network */
	uint64_t features;    /* offered (device features) */
	unsigned nqueues;     /* virtqueues the device has */
	uint16_t queue_max;   /* QueueNumMax of each */
	unsigned config_size; /* bytes of device configuration space */
	uint8_t (*config_byte)(void *dev, unsigned off);
	void (*notify)(void *dev, unsigned queue); /* QueueNotify written */
	void (*live)(void *dev, bool live);	   /* DRIVER_OK set, or reset */
};

/* One transport: registers at `base` (0x200 bytes), interrupt `line`. */
struct sim_vmmio *sim_vmmio_new(const char *name, uint64_t base, int line);
/* Put a device behind the transport (before any access). */
void sim_vmmio_attach(struct sim_vmmio *t, const struct sim_vdev_ops *ops, void *dev);
const struct sim_mmio_dev *sim_vmmio_window(struct sim_vmmio *t);
/* The transport's lock: models take it for work off the MMIO path (a
 * receive thread); the ops above run with it held. */
void sim_vmmio_lock(struct sim_vmmio *t);
void sim_vmmio_unlock(struct sim_vmmio *t);
/* Lock held: the device's queue `q`, or NULL if it is not ready or the
 * driver has not set DRIVER_OK. */
struct sim_vq *sim_vmmio_queue(struct sim_vmmio *t, unsigned q);
/* Lock held: a used buffer notification for queue `q`, if the driver
 * wants one (event index or VIRTQ_AVAIL_F_NO_INTERRUPT). */
void sim_vmmio_used(struct sim_vmmio *t, struct sim_vq *q);
/* Lock held: the device met a driver error it cannot go on from
 * (virtio 1.2 section 2.1.2): DEVICE_NEEDS_RESET, configuration change
 * interrupt; the queues stop until the driver resets. */
void sim_vmmio_broken(struct sim_vmmio *t);

/* ---- split virtqueues, device side (virtq.c) ---- */

#define SIM_VQ_SEGS 16 /* descriptors in one chain, at most */

struct sim_vq_seg {
	uint64_t pa;
	uint32_t len;
	bool write; /* device-writable */
};

/* One buffer taken from the available ring: its head descriptor id and
 * its segments, every one inside RAM. */
struct sim_vq_chain {
	uint16_t head;
	unsigned nseg;
	uint32_t readable, writable; /* total bytes of each kind */
	struct sim_vq_seg seg[SIM_VQ_SEGS];
};

struct sim_vq {
	uint16_t num; /* queue size, a power of two */
	bool ready;
	uint64_t desc, avail, used; /* guest physical addresses */
	bool event_idx;		    /* VIRTIO_F_EVENT_IDX negotiated */
	uint16_t last_avail;	    /* next available ring entry to take */
	uint16_t used_idx;	    /* our copy of used->idx */
	uint16_t signalled;	    /* used_idx at the last notification decision */
	bool signalled_valid;
};

/* Check and enable a queue the driver declared (QueueReady = 1): size a
 * power of two up to `max`, the three areas aligned (virtio 1.2 2.7) and
 * inside RAM. 0, or -1 (the queue stays not ready). */
int sim_vq_enable(struct sim_vq *q, uint16_t max, bool event_idx);
void sim_vq_reset(struct sim_vq *q);
/* Buffers the driver made available and we have not taken. */
uint16_t sim_vq_pending(const struct sim_vq *q);
/* Take the next available buffer: 1, 0 if none, -1 if the driver handed
 * over a malformed chain (index out of range, a loop, more than
 * SIM_VQ_SEGS descriptors, an address outside RAM, INDIRECT, a readable
 * descriptor after a writable one). */
int sim_vq_pop(struct sim_vq *q, struct sim_vq_chain *c);
/* Publish one used element. The id and length are written as given (a
 * misbehaving device may lie about either). */
void sim_vq_push(struct sim_vq *q, uint32_t id, uint32_t len);
/* After pushes: whether the driver asked to be interrupted now. */
bool sim_vq_should_interrupt(struct sim_vq *q);
/* Ask for a notification when the driver makes the next buffer available
 * (`want`), or suppress them while we still have buffers to take. With
 * `want`, returns the pending count re-read after the request, so a buffer
 * made available meanwhile is not missed (virtio 1.2 2.7.10). */
uint16_t sim_vq_kick_wanted(struct sim_vq *q, bool want);
/* Copy between a chain's segments (from byte `off` of the chain's
 * writable, resp. readable, part) and host memory. Returns bytes copied. */
uint32_t sim_vq_write(const struct sim_vq_chain *c, uint32_t off, const void *src, uint32_t n);
uint32_t sim_vq_read(const struct sim_vq_chain *c, uint32_t off, void *dst, uint32_t n);

/* ---- the network device (virtio_net.c) ---- */

enum sim_net_misbehave {
	SIM_NET_HONEST = 0,
	SIM_NET_BAD_ID,	     /* extra used elements with ids >= queue size */
	SIM_NET_LONG_LEN,    /* receive completions longer than the buffer */
	SIM_NET_REORDER,     /* receive buffers completed out of ring order */
	SIM_NET_NO_VERSION1, /* offers no VIRTIO_F_VERSION_1 (a legacy device) */
};

struct sim_net_cfg {
	const char *name; /* the board's transport, for messages */
	char local[64];	  /* HOST:PORT to bind */
	char remote[64];  /* HOST:PORT frames go to */
	uint8_t mac[6];	  /* configuration space `mac` */
	int misbehave;	  /* enum sim_net_misbehave */
	unsigned every;	  /* misbehave on every n-th completion */
};

struct sim_net;

/* A network device on a transport; frames travel as one UDP datagram per
 * Ethernet frame between `local` and `remote` (QEMU's -netdev dgram
 * framing). NULL after printing why. */
struct sim_net *sim_net_new(struct sim_vmmio *t, const struct sim_net_cfg *cfg);
/* The receive thread. 0, or -1. */
int sim_net_start(struct sim_net *n);
/* Stop the receive thread (the end of the run). */
void sim_net_stop(struct sim_net *n);
/* One line of counters, `sim| net NAME: ...`. */
void sim_net_report(const struct sim_net *n);
/* "bad-id" -> SIM_NET_BAD_ID ...; -1 if unknown. */
int sim_net_misbehave_kind(const char *s);
const char *sim_net_misbehave_names(void);

#endif
