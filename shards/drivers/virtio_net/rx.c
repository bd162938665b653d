/* Receiving: keep the receive queue full of free buffers, and hand each
 * frame the device returns to the pipeline (tessera/pkt.h) as a
 * descriptor: no copy. Frames are taken off the used ring only as fast as
 * the pipeline has room for them; while it has none they wait in the
 * device's ring (and the device drops what it cannot place). */
#include "net.h"

/* Post a free buffer behind every idle receive descriptor: header and
 * frame land TESS_PKT_HEADROOM - NET_HDR into the buffer, so the frame
 * starts at the headroom (5.1.6.4: the header, then the frame). */
void rx_fill(void)
{
	struct vq *q = &net.rx;

	while (q->nidle) {
		uint32_t b = pool_get(B_RX);
		uint16_t d;

		if (b == NO_BUF) {
			ST.rx_nobuf++;
			break;
		}
		d = q->idle[--q->nidle];
		q->desc[d].addr = net.pkt_bus + (uint64_t)b * TESS_PKT_BUF_SIZE + TESS_PKT_HEADROOM - NET_HDR;
		q->desc[d].len = RX_LEN;
		q->desc[d].flags = VRING_DESC_F_WRITE;
		q->desc[d].next = 0;
		vq_add(q, d, b);
	}
	vq_kick(q);
}

/* Crash once after config fault_after frames (tests: the restart path). */
static void maybe_fault(void)
{
	if (TESS_CFG_FAULT_AFTER && net.why == TESS_START_FIRST && ST.rx == TESS_CFG_FAULT_AFTER) {
		tess_log("fault injected after %llu frames (config fault_after)", (unsigned long long)ST.rx);
		/* An address the compiler cannot see as a constant: at -O2 gcc
		 * refuses a store to a constant address below a page. */
		volatile uintptr_t bad = 8;

		*(volatile uint32_t *)bad = 1;
	}
}

/* Up to `budget` received frames to the pipeline; how many went. */
unsigned rx_harvest(unsigned budget)
{
	unsigned n = 0;

	while (n < budget && vq_pending(&net.rx)) {
		struct tess_pkt_out out;
		unsigned put = 0;

		tess_pkt_out_open(&out, net.to_pipe, budget - n);
		while (put < out.n) {
			uint32_t b, len;
			int r = vq_next_used(&net.rx, &b, &len);
			struct tess_pkt d = {0};

			if (r <= 0)
				break;
			if (b == NO_BUF)
				continue; /* counted by vq_next_used */
			/* 2.7.8.2: len is what the device wrote; it must fit
			 * what we offered and hold at least the header. */
			if (len < NET_HDR || len > RX_LEN) {
				ST.bad_len++;
				pool_free(b);
				continue;
			}
			d.off = b * TESS_PKT_BUF_SIZE + TESS_PKT_HEADROOM;
			d.len = (uint16_t)(len - NET_HDR);
			d.tag = pool_give(b);
			tess_pkt_out_put(&out, &d);
			put++;
			ST.rx++;
			maybe_fault();
		}
		tess_pkt_out_close(&out);
		net.saved->rx_seen = net.rx.used_seen;
		n += put;
		if (put == 0)
			break; /* the pipeline is full, or only bad entries */
	}
	rx_fill();
	return n;
}
