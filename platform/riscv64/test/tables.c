/* Bring-up stand-in for gen/kern/tables.c (used only when TESS_GEN_DIR is
 * unset): two shards on two cores. "hello" prints and sleeps; "crash" prints,
 * then loads from VA 0 and is restarted twice before it is halted. */
#include <tessera/tables.h>

#define KiB	1024ull
#define MEM_A	0x80600000ull
#define MEM_B	0x80640000ull
#define VA_BASE 0x10000000ull

static const struct tess_map maps_a[] = {
	{VA_BASE, MEM_A, 16 * KiB, TESS_MAP_R | TESS_MAP_X, TESS_MAP_KIND_IMAGE},
	{VA_BASE + 16 * KiB, MEM_A + 16 * KiB, 48 * KiB, TESS_MAP_R | TESS_MAP_W, TESS_MAP_KIND_STACK},
	{VA_BASE + 68 * KiB, MEM_A + 64 * KiB, 4 * KiB, TESS_MAP_R | TESS_MAP_W, TESS_MAP_KIND_CTRL},
};
static const struct tess_map maps_b[] = {
	{VA_BASE, MEM_B, 16 * KiB, TESS_MAP_R | TESS_MAP_X, TESS_MAP_KIND_IMAGE},
	{VA_BASE + 16 * KiB, MEM_B + 16 * KiB, 48 * KiB, TESS_MAP_R | TESS_MAP_W, TESS_MAP_KIND_STACK},
	{VA_BASE + 68 * KiB, MEM_B + 64 * KiB, 4 * KiB, TESS_MAP_R | TESS_MAP_W, TESS_MAP_KIND_CTRL},
};

static const struct tess_shard_cfg shards[] = {
	{.name = "hello",
	 .id = 0,
	 .core = 0,
	 .mem_pa = MEM_A,
	 .mem_va = VA_BASE,
	 .mem_size = 64 * KiB,
	 .entry = VA_BASE,
	 .stack_top = VA_BASE + 64 * KiB,
	 .ctrl_pa = MEM_A + 64 * KiB,
	 .ctrl_va = VA_BASE + 68 * KiB,
	 .pt_pa = MEM_A + 128 * KiB,
	 .pt_size = 32 * KiB,
	 .watchdog_ns = 100000000,
	 .on_hang = TESS_POLICY_RESTART,
	 .on_fault = TESS_POLICY_RESTART,
	 .restart_max = 2,
	 .maps = maps_a,
	 .nmaps = 3},
	{.name = "crash",
	 .id = 1,
	 .core = 1,
	 .mem_pa = MEM_B,
	 .mem_va = VA_BASE,
	 .mem_size = 64 * KiB,
	 .entry = VA_BASE,
	 .stack_top = VA_BASE + 64 * KiB,
	 .ctrl_pa = MEM_B + 64 * KiB,
	 .ctrl_va = VA_BASE + 68 * KiB,
	 .pt_pa = MEM_B + 128 * KiB,
	 .pt_size = 32 * KiB,
	 .watchdog_ns = 100000000,
	 .on_hang = TESS_POLICY_RESTART,
	 .on_fault = TESS_POLICY_RESTART,
	 .restart_max = 2,
	 .maps = maps_b,
	 .nmaps = 3},
};

static const uint16_t order0[] = {0}, order1[] = {1};
static const struct tess_core_cfg cores[] = {{order0, 1}, {order1, 1}};

const struct tess_system_cfg tess_system = {
	.name = "rv-bringup",
	.tick_ns = 10000000,
	.kernel_pa = 0x80200000,
	.kernel_size = 0x400000,
	.console_pa = 0x10000000,
	.ncores = 2,
	.nshards = 2,
	.cores = cores,
	.shards = shards,
};
