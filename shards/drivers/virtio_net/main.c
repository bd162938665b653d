/* virtio_net: the shard's entries. shard_init brings the device up (net.h
 * says what it needs); afterwards the driver sleeps with the receive
 * queue's interrupt on while idle, and on an interrupt switches it off and
 * polls until a pass moves nothing (NAPI), so a busy queue costs no
 * interrupts and an idle one no CPU. Config poll: 1 polls always. */
#include <string.h>
#include "net.h"

_Static_assert((TESS_CFG_QUEUE_SIZE & (TESS_CFG_QUEUE_SIZE - 1)) == 0 && TESS_CFG_QUEUE_SIZE >= 2 &&
		       TESS_CFG_QUEUE_SIZE <= VQ_MAX,
	       "config queue_size: a power of two, 2..VQ_MAX (virtio 1.2, 2.7)");
_Static_assert(2ull * VQ_BYTES(TESS_CFG_QUEUE_SIZE) <= TESS_DMA_0_SIZE,
	       "the first DMA region holds both virtqueues of queue_size entries");

#define BUDGET	64u /* descriptors per direction per pass: then yield */
#define IRQ_BIT (1ull << TESS_DEV_0_IRQ)

struct net net;

void net_log_stats(const char *why)
{
	tess_log("stats(%s) rx=%llu tx=%llu tx_done=%llu freed=%llu irqs=%llu kicks=%llu nobuf=%llu "
		 "txfull=%llu",
		 why, (unsigned long long)ST.rx, (unsigned long long)ST.tx, (unsigned long long)ST.tx_done,
		 (unsigned long long)ST.freed, (unsigned long long)ST.irqs, (unsigned long long)ST.kicks,
		 (unsigned long long)ST.rx_nobuf, (unsigned long long)ST.tx_full);
	tess_log("stats(%s) bad_id=%llu dup_id=%llu bad_len=%llu bad_idx=%llu bad_desc=%llu bad_owner=%llu "
		 "resets=%llu lost=%llu reclaimed=%llu",
		 why, (unsigned long long)ST.bad_id, (unsigned long long)ST.dup_id,
		 (unsigned long long)ST.bad_len, (unsigned long long)ST.bad_idx,
		 (unsigned long long)ST.bad_desc, (unsigned long long)ST.bad_owner,
		 (unsigned long long)ST.resets, (unsigned long long)ST.lost,
		 (unsigned long long)ST.reclaimed);
}

/* Our memory from our own tables: registers, the rings' region, the
 * packet region and its bus address. */
static bool setup_memory(void)
{
	net.regs = TESS_DEV_0_VA;
	net.ring_mem = (uint8_t *)(uintptr_t)TESS_DMA_0_VA;
	if (!tess_pkt_region_init(&net.pkt, TESS_DMA_1_VA, TESS_DMA_1_SIZE)) {
		tess_log("the packet region (DMA map 1) holds no %u-byte buffer", TESS_PKT_BUF_SIZE);
		return false;
	}
	if (net.pkt.nbufs > POOL_MAX) {
		net.pkt.nbufs = POOL_MAX;
		net.pkt.size = (uint64_t)POOL_MAX * TESS_PKT_BUF_SIZE;
	}
	net.pkt_bus = tess_dma_bus(net.pkt.base, net.pkt.size);
	net.to_pipe = tess_out(0);
	if (net.pkt_bus == TESS_DMA_BAD ||
	    tess_dma_bus(net.ring_mem, 2 * VQ_BYTES(TESS_CFG_QUEUE_SIZE)) == TESS_DMA_BAD) {
		tess_log("DMA maps 0 and 1 are not DMA regions of this shard");
		return false;
	}
	return true;
}

/* After a reset: the frames the device had received that were never
 * passed on, and those of the `tx` buffers in the transmit queue it had not
 * yet sent, are lost. The used indexes are the device's (read after the
 * reset stopped it); our positions are kept in persistent memory, so this
 * holds across a restart. A difference a queue cannot hold counts nothing
 * (the device broke the protocol: we cannot know). */
static void count_lost(uint32_t tx)
{
	const uint16_t q = TESS_CFG_QUEUE_SIZE;
	uint16_t rx = (uint16_t)(vq_used_idx(net.ring_mem, q) - net.saved->rx_seen);
	uint16_t sent = (uint16_t)(vq_used_idx(net.ring_mem + VQ_BYTES(q), q) - net.saved->tx_seen);

	if (rx <= q)
		ST.lost += rx;
	if (sent <= tx)
		ST.lost += tx - sent;
}

/* 3.1.1, the whole sequence; a (re)start always begins with the reset,
 * so a device still working on an earlier life's rings stops first. */
static bool device_up(bool new_life)
{
	uint8_t *mem = net.ring_mem;
	uint32_t tx;

	net.up = net.broken = false;
	if (!vt_probe() || !vt_reset())
		return false;
	tx = pool_device_reset();
	if (!new_life || net.why != TESS_START_FIRST)
		count_lost(tx);
	if (!vt_negotiate())
		goto failed;
	vq_init(&net.rx, 0, TESS_CFG_QUEUE_SIZE, mem);
	vq_init(&net.tx, 1, TESS_CFG_QUEUE_SIZE, mem + VQ_BYTES(TESS_CFG_QUEUE_SIZE));
	net.saved->rx_seen = net.saved->tx_seen = 0;
	if (!vt_queue(&net.rx) || !vt_queue(&net.tx))
		goto failed;
	/* Transmit completions are reclaimed on the way (tx.c), never by
	 * interrupt; receive interrupts only when idle and not polling. */
	vq_interrupts(&net.tx, false);
	vq_interrupts(&net.rx, !TESS_CFG_POLL);
	vt_driver_ok();
	net.up = true;
	rx_fill();
	return true;
failed:
	vt_failed();
	return false;
}

static void device_restart(const char *why)
{
	tess_log("device reset: %s", why);
	ST.resets++;
	if (device_up(false))
		tess_log("virtio-net %02x:%02x:%02x:%02x:%02x:%02x renegotiated, %u-entry queues", net.mac[0],
			 net.mac[1], net.mac[2], net.mac[3], net.mac[4], net.mac[5], TESS_CFG_QUEUE_SIZE);
}

void shard_init(enum tess_start_reason why)
{
	memset(&net, 0, sizeof(net));
	net.why = why;
	tess_poll(false);
	if (!setup_memory() || !pool_init(why))
		return;
	if (!device_up(true)) {
		tess_log("virtio-net: not started; the shard idles");
		return;
	}
	tess_log("virtio-net %02x:%02x:%02x:%02x:%02x:%02x up (%s), %u-entry queues, %u buffers, %s",
		 net.mac[0], net.mac[1], net.mac[2], net.mac[3], net.mac[4], net.mac[5],
		 why == TESS_START_FIRST ? "first start" : "restart: device reset and renegotiated",
		 TESS_CFG_QUEUE_SIZE, net.pkt.nbufs, TESS_CFG_POLL ? "polling" : "interrupts");
	if (why != TESS_START_FIRST)
		net_log_stats("restart");
	tess_poll(TESS_CFG_POLL);
}

/* Config stats_ms: a counters line at most that often while traffic
 * flows (0: only on a query). */
static void periodic_stats(uint64_t now)
{
	const uint64_t period = (uint64_t)TESS_CFG_STATS_MS * 1000000u;

	if (period && now - net.stats_at >= period) {
		net.stats_at = now;
		net_log_stats("periodic");
	}
}

/* One pass over both directions; true if anything moved. */
static bool service(void)
{
	unsigned moved = rx_harvest(BUDGET) + tx_drain(BUDGET);

	moved += tx_reclaim();
	if (net.broken)
		device_restart("the device's used index ran past the queue");
	if (net.reclaim_at || (TESS_CFG_STATS_MS && moved)) {
		uint64_t now = tess_time_ns();

		pool_reclaim(now);
		if (moved)
			periodic_stats(now);
	}
	return moved != 0;
}

void shard_notified(tess_set_t set)
{
	if (!net.up)
		return;
	if (set & IRQ_BIT) {
		/* 4.2.3.4: acknowledge at the device before the line is unmasked. */
		uint32_t isr = vt_irq_status();

		tess_irq_ack(TESS_DEV_0_IRQ);
		ST.irqs++;
		if ((isr & VIRTIO_MMIO_INT_CONFIG) && vt_needs_reset()) {
			device_restart("the device set DEVICE_NEEDS_RESET");
			return;
		}
	}
	/* Busy: the device need not interrupt while we poll. */
	vq_interrupts(&net.rx, false);
	tess_poll(true);
	service();
}

void shard_poll(void)
{
	if (!net.up) {
		tess_poll(false);
		return;
	}
	if (service() || TESS_CFG_POLL)
		return;
	/* Idle: interrupts back on, then look once more, since a frame used
	 * between our last look and the flag store raises no interrupt. */
	vq_interrupts(&net.rx, true);
	tess_dma_mb();
	if (vq_pending(&net.rx)) {
		vq_interrupts(&net.rx, false);
		return;
	}
	tess_poll(false);
}
