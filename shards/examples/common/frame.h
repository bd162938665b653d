/* Ethernet, ARP, IPv4 and UDP for the packet examples (classify, echo):
 * field offsets, big-endian access, the Internet checksum. Not a shard:
 * included as "../common/frame.h". Every access is bounds-checked by the
 * caller against the descriptor's length first. */
#ifndef TESS_EXAMPLE_FRAME_H
#define TESS_EXAMPLE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define ETH_HLEN      14u
#define ETH_DST	      0u
#define ETH_SRC	      6u
#define ETH_TYPE      12u
#define ETHERTYPE_IP  0x0800u
#define ETHERTYPE_ARP 0x0806u

/* IPv4 (RFC 791), offsets in the IP header. */
#define IP_MIN	     20u
#define IP_VER_IHL   0u
#define IP_TOT_LEN   2u
#define IP_FRAG	     6u /* flags (MF = 0x2000) and fragment offset (0x1fff) */
#define IP_TTL	     8u
#define IP_PROTO     9u
#define IP_CSUM	     10u
#define IP_SRC	     12u
#define IP_DST	     16u
#define IP_PROTO_UDP 17u

/* UDP (RFC 768), offsets in the UDP header. */
#define UDP_HLEN  8u
#define UDP_SPORT 0u
#define UDP_DPORT 2u
#define UDP_LEN	  4u

/* ARP for IPv4 over Ethernet (RFC 826), offsets in the ARP packet. */
#define ARP_LEN	      28u
#define ARP_HTYPE     0u
#define ARP_PTYPE     2u
#define ARP_HLEN      4u
#define ARP_PLEN      5u
#define ARP_OPER      6u
#define ARP_SHA	      8u
#define ARP_SPA	      14u
#define ARP_THA	      18u
#define ARP_TPA	      24u
#define ARP_REQUEST   1u
#define ARP_REPLY     2u
#define ARP_HTYPE_ETH 1u

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The one's-complement sum of n bytes (n even) folded to 16 bits
 * (RFC 1071); a correct IPv4 header sums to 0xffff. */
static inline uint16_t csum_fold(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += be16(p + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* RFC 1624 eqn. 3: the checksum after a 16-bit field changes from m to
 * m2, without summing the header again: HC' = ~(~HC + ~m + m'). */
static inline uint16_t csum_update(uint16_t hc, uint16_t m, uint16_t m2)
{
	uint32_t s = (uint16_t)~hc + (uint32_t)(uint16_t)~m + m2;

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Swap n bytes at a and b (addresses, ports). */
static inline void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

#endif
