/* Bring-up stand-in for gen/kern/tables.c (used only when TESS_GEN_DIR is
 * unset). Core 0: "hello" prints and sleeps, "fpa" and "fpb" poll with FP
 * values, then sleep. Core 1: "crash" faults, "spin" hangs (both restart twice,
 * then halt), "ping" wakes the sleeping "hello" across cores. */
#include <tessera/tables.h>

#define KiB	1024ull
#define MEM(i)	(0x80600000ull + (i)*0x40000ull)
#define VA_BASE 0x10000000ull
#define CTRL_VA (VA_BASE + 68 * KiB)

#define MAPS(i)                                                                                              \
	static const struct tess_map maps_##i[] = {                                                          \
		{VA_BASE, MEM(i), 16 * KiB, TESS_MAP_R | TESS_MAP_X, TESS_MAP_KIND_IMAGE},                   \
		{VA_BASE + 16 * KiB, MEM(i) + 16 * KiB, 48 * KiB, TESS_MAP_R | TESS_MAP_W,                   \
		 TESS_MAP_KIND_STACK},                                                                       \
		{CTRL_VA, MEM(i) + 64 * KiB, 4 * KiB, TESS_MAP_R | TESS_MAP_W, TESS_MAP_KIND_CTRL},          \
	}
MAPS(0);
MAPS(1);
MAPS(2);
MAPS(3);
MAPS(4);
MAPS(5);

#define SHARD(i, n, c, ...)                                                                                  \
	{                                                                                                    \
		.name = n, .id = i, .core = c, .mem_pa = MEM(i), .mem_va = VA_BASE, .mem_size = 64 * KiB,    \
		.entry = VA_BASE, .stack_top = VA_BASE + 64 * KiB, .ctrl_pa = MEM(i) + 64 * KiB,             \
		.ctrl_va = CTRL_VA, .pt_pa = MEM(i) + 128 * KiB, .pt_size = 32 * KiB,                        \
		.watchdog_ns = 100000000, .on_hang = TESS_POLICY_RESTART, .on_fault = TESS_POLICY_RESTART,   \
		.restart_max = 2, .maps = maps_##i, .nmaps = 3, __VA_ARGS__                                  \
	}

/* Channel "ping": ping (end 0, producer) -> hello (end 0, consumer). Only
 * its notifications are used, so its memory is not mapped. */
static const struct tess_chan_end hello_ends[] = {{0, TESS_ROLE_CONSUMER, 0}};
static const struct tess_chan_end ping_ends[] = {{0, TESS_ROLE_PRODUCER, 0}};
static const struct tess_chan_cfg channels[] = {
	{.name = "ping", .from = 5, .to = 0, .slots = 1, .slot_size = 64, .pa = 0x80800000, .size = 4 * KiB},
};

static const struct tess_shard_cfg shards[] = {
	SHARD(0, "hello", 0, .nends = 1, .ends = hello_ends),
	SHARD(1, "crash", 1),
	SHARD(2, "fpa", 0),
	SHARD(3, "fpb", 0),
	SHARD(4, "spin", 1),
	SHARD(5, "ping", 1, .nends = 1, .ends = ping_ends),
};

static const uint16_t order0[] = {0, 2, 3}, order1[] = {1, 4, 5};
static const struct tess_core_cfg cores[] = {{order0, 3}, {order1, 3}};

const struct tess_system_cfg tess_system = {
	.name = "rv-bringup",
	.tick_ns = 10000000,
	.kernel_pa = 0x80200000,
	.kernel_size = 0x400000,
	.console_pa = 0x10000000,
	.ncores = 2,
	.nshards = 6,
	.nchannels = 1,
	.channels = channels,
	.cores = cores,
	.shards = shards,
};
