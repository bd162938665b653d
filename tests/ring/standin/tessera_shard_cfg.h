/* Stand-in for the generated gen/shards/<name>/tessera_shard_cfg.h, for the
 * runtime's own compile tests only (the real one comes from `tessera gen`).
 * The example shards use tess_in()/tess_out() and tess_self.maps; the
 * harness's channel ids and the packet examples' constants are below. */
#ifndef TESSERA_SHARD_CFG_H
#define TESSERA_SHARD_CFG_H

#define TESS_CH_IN  0
#define TESS_CH_OUT 1

/* What the packet examples (classify, echo) need to compile: a packet
 * region (compile only: no scenario runs them) and classify's config. */
#define TESS_DMA_0_VA	0x10000000ull
#define TESS_DMA_0_SIZE 0x10000ull
#define TESS_CFG_IPV4                                                                                        \
	{                                                                                                    \
		10, 0, 0, 2                                                                                  \
	}
#define TESS_CFG_MAC                                                                                         \
	{                                                                                                    \
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56                                                           \
	}
#define TESS_CFG_UDP_PORT 7

#endif
