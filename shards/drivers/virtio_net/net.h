/* virtio-net driver shard (docs/drivers.md): the parts' shared state.
 *
 * Written from the virtio 1.2 specification (OASIS, virtio-v1.2-cs01):
 * 2.1 device status, 2.2 feature bits, 2.7 split virtqueues, 3.1 device
 * initialisation, 4.2 virtio over MMIO (version 2 only), 5.1 network
 * device; register offsets, bits and ring layouts from the Linux UAPI
 * headers (linux-libc-dev), legacy parts compiled out.
 *
 * What the manifest grants this shard, in order (tessera_shard_cfg.h):
 *   device 0      one virtio-mmio transport with its IRQ (TESS_DEV_0_*);
 *   DMA map 0     the virtqueues: this shard alone, rw (TESS_DMA_0_*);
 *   DMA map 1     the packet region it owns (tessera/pkt.h) (TESS_DMA_1_*);
 *   channels      its first producer end carries received frames to the
 *                 pipeline; every consumer end brings frames to transmit
 *                 or buffers to free (TESS_PKT_F_FREE);
 *   persistent    the buffer ownership table (pool.c), kept across a
 *                 restart so buffers out in the pipeline are not lost.
 * config (all optional): queue_size (256), poll (0: interrupts while idle,
 * polling while busy; 1: poll always), stats_ms (0: counters only on a
 * query), reclaim_ms (1000), fault_after (0; tests: crash once after that
 * many received frames). */
#ifndef VIRTIO_NET_DRIVER_H
#define VIRTIO_NET_DRIVER_H

#define VIRTIO_CONFIG_NO_LEGACY
#define VIRTIO_MMIO_NO_LEGACY
#define VIRTIO_NET_NO_LEGACY
#define VIRTIO_RING_NO_LEGACY

#include <stdbool.h>
#include <stdint.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <tessera/dev.h>
#include <tessera/pkt.h>
#include "tessera_shard_cfg.h"

#if !defined(TESS_DEV_0_VA) || !defined(TESS_DEV_0_IRQ)
#error "virtio_net: grant the shard one virtio-mmio device (with its IRQ)"
#endif
#if !defined(TESS_DMA_1_VA)
#error "virtio_net: map two DMA regions: its virtqueues, then the packet buffers"
#endif
#ifndef TESS_CFG_QUEUE_SIZE
#define TESS_CFG_QUEUE_SIZE 256
#endif
#ifndef TESS_CFG_POLL
#define TESS_CFG_POLL 0
#endif
#ifndef TESS_CFG_STATS_MS
#define TESS_CFG_STATS_MS 0
#endif
#ifndef TESS_CFG_RECLAIM_MS
#define TESS_CFG_RECLAIM_MS 1000
#endif
#ifndef TESS_CFG_FAULT_AFTER
#define TESS_CFG_FAULT_AFTER 0
#endif

/* Virtio 1.x structures are little-endian (spec 1.4); so are both targets
 * and the simulator's hosts, so fields are used as they are. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "virtio_net assumes a little-endian CPU");

#define VQ_MAX	 1024u /* largest queue this driver sets up */
#define POOL_MAX 2048u /* packet buffers it tracks (4 MiB of region) */
#define NO_BUF	 UINT32_MAX
/* The header in front of every frame, with VIRTIO_F_VERSION_1 always the
 * 12-byte struct virtio_net_hdr_v1 (spec 5.1.6), inside the headroom. */
#define NET_HDR ((uint32_t)sizeof(struct virtio_net_hdr_v1))
_Static_assert(NET_HDR <= TESS_PKT_HEADROOM, "the device header fits the headroom");
/* What a receive buffer offers the device: header + the rest of the
 * buffer; at least 1526 bytes without MRG_RXBUF or GSO (spec 5.1.6.3.1). */
#define RX_LEN (TESS_PKT_BUF_SIZE - TESS_PKT_HEADROOM + NET_HDR)
_Static_assert(RX_LEN >= 1526, "receive buffers hold a full-size frame");

/* Device-shared fields are read and written exactly once per use. */
#define LOAD(x)	    (*(const volatile __typeof__(x) *)&(x))
#define STORE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* One split virtqueue (spec 2.7) in the ring DMA region. */
struct vq {
	uint16_t index; /* 0: receiveq1, 1: transmitq1 (spec 5.1.2) */
	uint16_t size;	/* entries, a power of two */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx; /* our copy of avail->idx (the device never writes it) */
	uint16_t used_seen; /* the next used entry to consume */
	uint16_t used_idx;  /* the device's used->idx as last read */
	uint16_t nidle;
	uint16_t added;	       /* entries made available since the last kick */
	uint32_t buf[VQ_MAX];  /* buffer behind descriptor i, or NO_BUF */
	uint16_t idle[VQ_MAX]; /* descriptors without a buffer (stack) */
};

struct net_stats {
	uint64_t rx, tx, tx_done, freed, irqs, kicks;
	uint64_t rx_nobuf; /* receive descriptors left empty: no free buffer */
	uint64_t tx_full;  /* transmit waited for a descriptor */
	/* The device misbehaving: counted, dropped, the driver goes on. */
	uint64_t bad_id, dup_id, bad_len, bad_idx;
	/* Peers misbehaving. */
	uint64_t bad_desc;  /* a frame outside the packet region */
	uint64_t bad_owner; /* a buffer that is not out in the pipeline, or a stale tag */
	/* Restarts: frames lost (received but not passed on, or not yet sent
	 * when the device was reset), and buffers out in the pipeline that
	 * never came back (pool.c). */
	uint64_t resets, lost, reclaimed;
};

/* Kept in the shard's persistent memory, so a restarted driver knows which
 * buffers are out in the pipeline and its counters go on (pool.c). */
struct net_saved {
	uint32_t magic, nbufs;
	struct net_stats st;
	/* Our positions in the two used rings, as of the last step: after a
	 * restart they tell what the device had done that we never saw. */
	uint16_t rx_seen, tx_seen;
	uint16_t pad[2];
	uint32_t tag[POOL_MAX];	 /* the tag of the buffer's last hand-out */
	uint8_t state[POOL_MAX]; /* enum buf_state */
};

enum buf_state {
	B_FREE = 0,
	B_RX = 1,      /* posted to the receive queue */
	B_TX = 2,      /* posted to the transmit queue */
	B_OUT = 3,     /* out in the pipeline */
	B_OUT_OLD = 4, /* out since before the last restart: reclaimed if it does not come back */
};

struct net {
	struct net_saved *saved;
	uintptr_t regs;
	uint8_t *ring_mem;
	uint64_t ring_size;
	struct tess_pkt_region pkt;
	uint64_t pkt_bus; /* bus address of the packet region's first byte */
	uint32_t status;  /* what we last wrote to Status: bits are only added */
	uint8_t mac[6];
	bool up;
	enum tess_start_reason why;
	struct vq rx, tx;
	struct tess_chan *to_pipe;
	bool broken;	   /* the device broke the ring protocol: reset it */
	uint64_t stats_at; /* last periodic counters line */
	uint64_t reclaim_at;
};

#define ST (net.saved->st)

extern struct net net;

/* transport.c: virtio-mmio (spec 4.2) */
bool vt_probe(void);
bool vt_reset(void);
bool vt_negotiate(void);
bool vt_queue(struct vq *q);
void vt_driver_ok(void);
void vt_failed(void);
uint32_t vt_irq_status(void);
bool vt_needs_reset(void);
void vt_notify(const struct vq *q);

/* virtq.c: split virtqueues (spec 2.7) */
#define VQ_BYTES(n) (VQ_RUP(16u * (n)) + VQ_RUP(6u + 2u * (n)) + VQ_RUP(6u + 8u * (n)))
#define VQ_RUP(n)   (((n) + 63u) & ~63u)
void vq_init(struct vq *q, uint16_t index, uint16_t size, uint8_t *mem);
uint16_t vq_used_idx(uint8_t *mem, uint16_t size);
uint64_t vq_bus(const void *p);
void vq_add(struct vq *q, uint16_t d, uint32_t buf);
void vq_kick(struct vq *q);
void vq_interrupts(struct vq *q, bool on);
bool vq_pending(struct vq *q);
int vq_next_used(struct vq *q, uint32_t *buf, uint32_t *len);

/* pool.c: who holds each packet buffer */
bool pool_init(enum tess_start_reason why);
uint32_t pool_device_reset(void);
uint32_t pool_get(enum buf_state device_state);
uint32_t pool_give(uint32_t b);
bool pool_take(const struct tess_pkt *d, uint32_t *b);
void pool_free(uint32_t b);
void pool_reclaim(uint64_t now);

/* rx.c, tx.c: the data path */
void rx_fill(void);
unsigned rx_harvest(unsigned budget);
unsigned tx_drain(unsigned budget);
unsigned tx_reclaim(void);

/* main.c */
void net_log_stats(const char *why);

#endif
