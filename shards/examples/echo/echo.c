/* echo: answers every UDP datagram it is given (docs/drivers.md,
 * manifest/examples/udp-echo*.yaml). In place, in the packet buffer: swap
 * the Ethernet addresses, the IPv4 addresses and the UDP ports, set the
 * TTL to 64, and send the frame to its first output (the buffers' owner,
 * which transmits it).
 *
 * Checksums: swapping two 16-bit-aligned fields leaves a one's-complement
 * sum unchanged, so the IPv4 header checksum changes only with the TTL and
 * is updated incrementally (RFC 1624, csum_update); the UDP checksum
 * (pseudo-header addresses and ports swapped, payload untouched) stays
 * what it was: valid, or zero for "none" (RFC 768). A frame that is not
 * IPv4/UDP, checked against its own length (the previous stage is not
 * trusted), goes back to the owner as free, counted. */
#include <stdbool.h>
#include <tessera/pkt.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/frame.h"

#ifndef TESS_DMA_0_VA
#error "echo: map the packet region (its one DMA region)"
#endif

#define STEPS_PER_ENTRY 8
#define TTL		64u

static struct tess_pkt_region region;
static uint64_t echoed, not_udp, bad_desc;

/* Turn the datagram at f around; false if it is no IPv4/UDP frame. */
static bool turn_around(uint8_t *f, uint32_t len)
{
	uint8_t *ip = f + ETH_HLEN, *udp;
	uint32_t ihl;
	uint16_t old;

	if (len < ETH_HLEN + IP_MIN || be16(f + ETH_TYPE) != ETHERTYPE_IP || ip[IP_PROTO] != IP_PROTO_UDP)
		return false;
	ihl = (ip[IP_VER_IHL] & 0xfu) * 4u;
	if (ihl < IP_MIN || ETH_HLEN + ihl + UDP_HLEN > len)
		return false;
	udp = ip + ihl;
	swap_bytes(f + ETH_DST, f + ETH_SRC, 6);
	swap_bytes(ip + IP_SRC, ip + IP_DST, 4);
	swap_bytes(udp + UDP_SPORT, udp + UDP_DPORT, 2);
	old = be16(ip + IP_TTL); /* TTL and protocol share a 16-bit word */
	ip[IP_TTL] = TTL;
	put_be16(ip + IP_CSUM, csum_update(be16(ip + IP_CSUM), old, be16(ip + IP_TTL)));
	return true;
}

static void log_counters(void)
{
	tess_log("stats echoed=%llu not_udp=%llu desc=%llu", (unsigned long long)echoed,
		 (unsigned long long)not_udp, (unsigned long long)bad_desc);
}

static bool step(void)
{
	struct tess_pkt d[TESS_PKT_BURST];
	struct tess_pkt_out out;
	unsigned k = tess_pkt_peek(tess_in(0), d, TESS_PKT_BURST), i;

	if (k == 0)
		return false;
	tess_pkt_out_open(&out, tess_out(0), k);
	for (i = 0; i < k; i++) {
		uint8_t *f = tess_pkt_frame(&region, &d[i], false);

		if (!f) {
			bad_desc++; /* names no buffer we could give back */
			continue;
		}
		if (out.used == out.n)
			break;
		if (turn_around(f, d[i].len)) {
			echoed++;
			d[i].flags &= TESS_PKT_F_STATS;
			if (d[i].flags)
				log_counters();
		} else {
			not_udp++;
			d[i].flags = TESS_PKT_F_FREE;
		}
		tess_pkt_out_put(&out, &d[i]);
	}
	tess_pkt_out_close(&out);
	tess_release(tess_in(0), i);
	return i == k;
}

void shard_init(enum tess_start_reason why)
{
	tess_pkt_region_init(&region, TESS_DMA_0_VA, TESS_DMA_0_SIZE);
	tess_log("up (reason %d), %u buffers", why, region.nbufs);
}

void shard_notified(tess_set_t set)
{
	(void)set;
	for (unsigned s = 0; s < STEPS_PER_ENTRY && step(); s++)
		;
}
