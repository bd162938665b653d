/* evil_peer: a hostile stage between echo and the driver (tests/qemu/
 * test_udp_echo.py). It forwards echo's descriptors to net0, but forges
 * every tenth, in turn: a frame outside the packet region, a wrong tag,
 * the same descriptor twice, a frame in a buffer's headroom. The driver
 * must count each (bad_desc, bad_owner), hand the device nothing of it,
 * and go on with the rest. Counters queries pass untouched. */
#include <stdbool.h>
#include <tessera/pkt.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

enum { OUTSIDE, TAG, TWICE, HEADROOM, NFORGED };

static uint64_t seen, forged[NFORGED];

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)", why);
}

static void forge(struct tess_pkt *d, struct tess_pkt_out *out)
{
	unsigned kind = (unsigned)(seen / 10 % NFORGED);

	forged[kind]++;
	if (kind == OUTSIDE)
		d->off = (uint32_t)TESS_DMA_0_SIZE + TESS_PKT_HEADROOM;
	else if (kind == TAG)
		d->tag ^= 1;
	else if (kind == TWICE)
		tess_pkt_out_put(out, d);
	else
		d->off -= d->off % TESS_PKT_BUF_SIZE;
}

void shard_notified(tess_set_t set)
{
	struct tess_pkt d[TESS_PKT_BURST / 2];
	struct tess_pkt_out out;
	unsigned k = tess_pkt_peek(tess_in(0), d, TESS_PKT_BURST / 2), i;

	(void)set;
	/* Room for each descriptor twice: a forged duplicate never blocks. */
	tess_pkt_out_open(&out, tess_out(0), 2 * k);
	for (i = 0; i < k && out.n - out.used >= 2; i++) {
		if (d[i].flags & TESS_PKT_F_STATS)
			tess_log("stats outside=%llu tag=%llu twice=%llu headroom=%llu",
				 (unsigned long long)forged[OUTSIDE], (unsigned long long)forged[TAG],
				 (unsigned long long)forged[TWICE], (unsigned long long)forged[HEADROOM]);
		else if (seen++ % 10 == 9)
			forge(&d[i], &out);
		tess_pkt_out_put(&out, &d[i]);
	}
	tess_pkt_out_close(&out);
	tess_release(tess_in(0), i);
}
