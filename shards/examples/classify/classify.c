/* classify: the first stage after a network driver (docs/drivers.md,
 * manifest/examples/udp-echo*.yaml). Frames arrive as packet descriptors
 * (tessera/pkt.h) on its input; each goes to exactly one place:
 *   - IPv4/UDP to our address and config udp_port: to the next stage
 *     (its first output);
 *   - a UDP datagram to config stats_port: the same, marked as a counters
 *     query (every stage logs its counters as it passes);
 *   - an ARP request for our address (config ipv4): rewritten in place
 *     into the reply (RFC 826), from our config mac, and sent back to the
 *     buffers' owner (its second output) for transmission;
 *   - anything else: back to the owner with TESS_PKT_F_FREE, counted by
 *     reason.
 * Only the frame's own length bounds what is read. A frame is rewritten
 * only once its output slot is reserved, so a step that stops on a full
 * output redoes nothing twice. */
#include <stdbool.h>
#include <string.h>
#include <tessera/fmt.h>
#include <tessera/pkt.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/frame.h"

#ifndef TESS_DMA_0_VA
#error "classify: map the packet region (its one DMA region)"
#endif
#ifndef TESS_CFG_STATS_PORT
#define TESS_CFG_STATS_PORT 0 /* no counters query */
#endif

static const uint8_t my_ip[4] = TESS_CFG_IPV4;
static const uint8_t my_mac[6] = TESS_CFG_MAC;
_Static_assert(sizeof(my_ip) == 4 && sizeof((uint8_t[])TESS_CFG_IPV4) == 4, "config ipv4: four bytes");
_Static_assert(TESS_CFG_UDP_PORT > 0 && TESS_CFG_UDP_PORT < 65536, "config udp_port: 1..65535");

#define STEPS_PER_ENTRY 8

enum verdict {
	V_UDP,	 /* to the next stage */
	V_STATS, /* to the next stage, a counters query */
	V_ARP,	 /* an ARP request for us: answered */
	V_SHORT, /* drops from here on */
	V_ETHERTYPE,
	V_VERSION,
	V_IHL,
	V_IPLEN,
	V_CSUM,
	V_NOT_OURS,
	V_FRAGMENT,
	V_PROTO,
	V_UDPLEN,
	V_PORT,
	V_ARP_OTHER,
	V_DESC, /* the descriptor itself is bad: not in the packet region */
	NVERDICTS
};

static const char *const names[NVERDICTS] = {
	"udp",	"stats",    "arp",	"short", "ethertype", "version", "ihl",	      "iplen",
	"csum", "not_ours", "fragment", "proto", "udplen",    "port",	 "arp_other", "desc",
};

static struct tess_pkt_region region;
static uint64_t count[NVERDICTS], rx;

/* Two lines: what went on, and the drops by reason. */
static void log_counters(void)
{
	char line[TESS_CONSOLE_BUF];
	size_t n = 0;

	for (unsigned v = V_SHORT; v < NVERDICTS && n < sizeof(line); v++)
		n += (size_t)tess_snprintf(line + n, sizeof(line) - n, " %s=%llu", names[v],
					   (unsigned long long)count[v]);
	tess_log("stats rx=%llu udp=%llu stats=%llu arp=%llu", (unsigned long long)rx,
		 (unsigned long long)count[V_UDP], (unsigned long long)count[V_STATS],
		 (unsigned long long)count[V_ARP]);
	tess_log("drops%s", line);
}

static enum verdict arp(const uint8_t *f, uint32_t len)
{
	const uint8_t *a = f + ETH_HLEN;

	if (len < ETH_HLEN + ARP_LEN)
		return V_SHORT;
	if (be16(a + ARP_HTYPE) != ARP_HTYPE_ETH || be16(a + ARP_PTYPE) != ETHERTYPE_IP || a[ARP_HLEN] != 6 ||
	    a[ARP_PLEN] != 4 || be16(a + ARP_OPER) != ARP_REQUEST || memcmp(a + ARP_TPA, my_ip, 4) != 0)
		return V_ARP_OTHER;
	return V_ARP;
}

static enum verdict ipv4(const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + ETH_HLEN, *udp;
	uint32_t ihl, tot;

	if (len < ETH_HLEN + IP_MIN)
		return V_SHORT;
	if (ip[IP_VER_IHL] >> 4 != 4)
		return V_VERSION;
	ihl = (ip[IP_VER_IHL] & 0xfu) * 4u;
	if (ihl < IP_MIN || ETH_HLEN + ihl > len)
		return V_IHL;
	tot = be16(ip + IP_TOT_LEN);
	if (tot < ihl || ETH_HLEN + tot > len)
		return V_IPLEN;
	if (csum_fold(ip, ihl) != 0xffff)
		return V_CSUM;
	if (memcmp(ip + IP_DST, my_ip, 4) != 0)
		return V_NOT_OURS;
	if (be16(ip + IP_FRAG) & 0x3fff)
		return V_FRAGMENT; /* MF or an offset: we do not reassemble */
	if (ip[IP_PROTO] != IP_PROTO_UDP)
		return V_PROTO;
	udp = ip + ihl;
	if (tot - ihl < UDP_HLEN || be16(udp + UDP_LEN) < UDP_HLEN || be16(udp + UDP_LEN) > tot - ihl)
		return V_UDPLEN;
	if (TESS_CFG_STATS_PORT && be16(udp + UDP_DPORT) == TESS_CFG_STATS_PORT)
		return V_STATS;
	return be16(udp + UDP_DPORT) == TESS_CFG_UDP_PORT ? V_UDP : V_PORT;
}

static enum verdict judge(const struct tess_pkt *d, uint8_t **frame)
{
	uint8_t *f = tess_pkt_frame(&region, d, false);

	*frame = f;
	if (!f)
		return V_DESC;
	if (d->len < ETH_HLEN)
		return V_SHORT;
	switch (be16(f + ETH_TYPE)) {
	case ETHERTYPE_IP:
		return ipv4(f, d->len);
	case ETHERTYPE_ARP:
		return arp(f, d->len);
	default:
		return V_ETHERTYPE;
	}
}

/* The request at f becomes our reply, in place (RFC 826 "Packet
 * Reception": swap sender and target, our hardware address as sender). */
static void answer_arp(uint8_t *f)
{
	uint8_t *a = f + ETH_HLEN;

	memcpy(a + ARP_THA, a + ARP_SHA, 6);
	memcpy(a + ARP_TPA, a + ARP_SPA, 4);
	memcpy(a + ARP_SHA, my_mac, 6);
	memcpy(a + ARP_SPA, my_ip, 4);
	put_be16(a + ARP_OPER, ARP_REPLY);
	memcpy(f + ETH_DST, a + ARP_THA, 6);
	memcpy(f + ETH_SRC, my_mac, 6);
}

/* One burst: false when there was nothing to do or an output is full. */
static bool step(void)
{
	struct tess_pkt d[TESS_PKT_BURST];
	struct tess_pkt_out next, owner;
	unsigned k = tess_pkt_peek(tess_in(0), d, TESS_PKT_BURST), i;

	if (k == 0)
		return false;
	tess_pkt_out_open(&next, tess_out(0), k);
	tess_pkt_out_open(&owner, tess_out(1), k);
	for (i = 0; i < k; i++) {
		uint8_t *f;
		enum verdict v = judge(&d[i], &f);
		struct tess_pkt_out *o = v <= V_STATS ? &next : &owner;

		if (v == V_DESC) {
			count[v]++; /* names no buffer we could give back */
			rx++;
			continue;
		}
		if (o->used == o->n)
			break; /* that output is full: the rest waits */
		if (v == V_ARP)
			answer_arp(f);
		if (v > V_ARP)
			d[i].flags = TESS_PKT_F_FREE;
		else
			d[i].flags = v == V_STATS ? TESS_PKT_F_STATS : 0;
		tess_pkt_out_put(o, &d[i]);
		count[v]++;
		rx++;
		if (v == V_STATS)
			log_counters();
	}
	tess_pkt_out_close(&next);
	tess_pkt_out_close(&owner);
	tess_release(tess_in(0), i);
	return i == k;
}

void shard_init(enum tess_start_reason why)
{
	tess_pkt_region_init(&region, TESS_DMA_0_VA, TESS_DMA_0_SIZE);
	tess_log("up (reason %d): %u.%u.%u.%u udp port %u, %u buffers", why, my_ip[0], my_ip[1], my_ip[2],
		 my_ip[3], (unsigned)TESS_CFG_UDP_PORT, region.nbufs);
}

void shard_notified(tess_set_t set)
{
	(void)set; /* input data or output space: both mean "move frames" */
	for (unsigned s = 0; s < STEPS_PER_ENTRY && step(); s++)
		;
}
