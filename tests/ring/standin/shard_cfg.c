/* Stand-in for the generated gen/shards/<name>/shard_cfg.c: one consumer end
 * (bit 0, "in") and one producer end (bit 1, "out") over static rings, a
 * control page, persistent memory, an image map and a region map. Only for
 * the runtime's tests in tests/ring. */
#include <stdalign.h>
#include <stdint.h>
#include <tessera/abi.h>
#include <tessera/shard_info.h>
#include "standin.h"

alignas(4096) uint8_t standin_in_ring[STANDIN_RING_BYTES];
alignas(4096) uint8_t standin_out_ring[STANDIN_RING_BYTES];
alignas(4096) struct tess_ctrl standin_ctrl;
alignas(4096) uint8_t standin_persist[4096];
alignas(4096) uint8_t standin_region[4096];
alignas(4096) uint8_t standin_image[4096];

static const struct tess_end_info ends[] = {
	{.name = "in",
	 .va = (uintptr_t)standin_in_ring,
	 .slots = STANDIN_SLOTS,
	 .slot_size = 64,
	 .role = TESS_ROLE_CONSUMER,
	 .bit = 0},
	{.name = "out",
	 .va = (uintptr_t)standin_out_ring,
	 .slots = STANDIN_SLOTS,
	 .slot_size = 64,
	 .role = TESS_ROLE_PRODUCER,
	 .bit = 1},
};

static const struct tess_map maps[] = {
	{.va = (uintptr_t)standin_image,
	 .size = 4096,
	 .attr = TESS_MAP_R | TESS_MAP_W,
	 .kind = TESS_MAP_KIND_IMAGE},
	{.va = (uintptr_t)standin_region,
	 .size = 4096,
	 .attr = TESS_MAP_R | TESS_MAP_W,
	 .kind = TESS_MAP_KIND_REGION},
};

const struct tess_shard_info tess_self = {
	.name = "standin",
	.id = 0,
	.nends = 2,
	.nmaps = 2,
	.ctrl_va = (uintptr_t)&standin_ctrl,
	.persist_va = (uintptr_t)standin_persist,
	.persist_size = sizeof(standin_persist),
	.ends = ends,
	.maps = maps,
};
