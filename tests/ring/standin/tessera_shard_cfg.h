/* Stand-in for the generated gen/shards/<name>/tessera_shard_cfg.h, for the
 * runtime's own compile tests only (the real one comes from `tessera gen`).
 * The example shards use tess_in()/tess_out() and tess_self.maps, so they
 * need no constant from here; the harness's channel ids are below. */
#ifndef TESSERA_SHARD_CFG_H
#define TESSERA_SHARD_CFG_H

#define TESS_CH_IN  0
#define TESS_CH_OUT 1

#endif
