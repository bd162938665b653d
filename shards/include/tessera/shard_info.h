/* Per-shard configuration compiled into the shard itself (generated
 * gen/shards/<name>/shard_cfg.c defines `tess_self`). The runtime finds its
 * channels, control page and persistent memory here; the simulator backend
 * also maps the shared maps listed here. */
#ifndef TESSERA_SHARD_INFO_H
#define TESSERA_SHARD_INFO_H

#include <stdint.h>
#include <tessera/tables.h>

struct tess_end_info {
	const char *name; /* channel name */
	uint64_t va;	  /* channel base (header, then slots) */
	uint32_t slots, slot_size;
	uint8_t role; /* enum tess_chan_role */
	uint8_t bit;  /* local event bit (= index in ends[]) */
	uint8_t lane; /* the lane that uses this end */
	uint8_t pad[5];
};

struct tess_shard_info {
	const char *name;
	uint16_t id;
	uint16_t nends;
	uint16_t nmaps;
	uint16_t nlanes;
	uint64_t ctrl_va;
	uint64_t persist_va, persist_size;
	const struct tess_end_info *ends;
	const struct tess_map *maps; /* same list as the kernel's table */
	uint64_t stack_size;
	const struct tess_lane_cfg *lanes; /* same list as the kernel's table */
};

extern const struct tess_shard_info tess_self;

#endif
