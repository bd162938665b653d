/* The tables of fake/sys4.h. */
#include <string.h>
#include "fake.h"
#include "sys4.h"

static const struct tess_chan_end a_ends[] = {{.channel = 0, .role = TESS_ROLE_PRODUCER}};
static const struct tess_chan_end b_ends[] = {{.channel = 0, .role = TESS_ROLE_CONSUMER},
					      {.channel = 1, .role = TESS_ROLE_PRODUCER}};
static const struct tess_chan_end d_ends[] = {{.channel = 1, .role = TESS_ROLE_CONSUMER}};
static const struct tess_irq_grant b_irqs[] = {{.irq = SYS4_IRQ, .bit = 2}};
static const uint16_t core0[] = {A, B, C};
static const uint16_t core1[] = {D};

struct tess_shard_cfg sys4_shards[4];
struct tess_chan_cfg sys4_chans[2];
struct tess_core_cfg sys4_cores[2];
struct tess_system_cfg sys4;
/* One lane each: lane 0 is the shard's core, stack and control page. */
static struct tess_lane_cfg lanes[4];

static struct tess_shard_cfg shard(const char *name, unsigned id, unsigned core)
{
	lanes[id] = (struct tess_lane_cfg){.core = (uint16_t)core,
					   .stack_top = 0x410000 + id * 0x100000,
					   .ctrl_pa = FAKE_CTRL_PA(id),
					   .ctrl_va = 0x7f0000 + id * 0x1000};
	return (struct tess_shard_cfg){
		.name = name,
		.id = (uint16_t)id,
		.core = (uint16_t)core,
		.mem_va = 0x400000 + id * 0x100000,
		.mem_size = 0x10000,
		.entry = 0x400000 + id * 0x100000,
		.stack_top = 0x410000 + id * 0x100000,
		.ctrl_pa = FAKE_CTRL_PA(id),
		.ctrl_va = 0x7f0000 + id * 0x1000,
		.watchdog_ns = 10000000, /* 10 ms */
		.on_hang = TESS_POLICY_RESTART,
		.on_fault = TESS_POLICY_RESTART,
		.restart_max = 3,
		.restart_window_ns = 1000000000, /* 1 s */
		.nlanes = 1,
		.lanes = &lanes[id],
	};
}

void sys4_reset(void)
{
	sys4_shards[A] = shard("a", A, 0);
	sys4_shards[B] = shard("b", B, 0);
	sys4_shards[C] = shard("c", C, 0);
	sys4_shards[D] = shard("d", D, 1);
	sys4_shards[A].ends = a_ends;
	sys4_shards[A].nends = 1;
	sys4_shards[B].ends = b_ends;
	sys4_shards[B].nends = 2;
	sys4_shards[B].irqs = b_irqs;
	sys4_shards[B].nirqs = 1;
	sys4_shards[D].ends = d_ends;
	sys4_shards[D].nends = 1;
	sys4_chans[0] = (struct tess_chan_cfg){.name = "ab",
					       .from = A,
					       .to = B,
					       .from_bit = 0,
					       .to_bit = 0,
					       .slots = 8,
					       .slot_size = 64,
					       .pa = FAKE_CHAN_PA(0),
					       .size = 4096};
	sys4_chans[1] = (struct tess_chan_cfg){.name = "bd",
					       .from = B,
					       .to = D,
					       .from_bit = 1,
					       .to_bit = 0,
					       .slots = 8,
					       .slot_size = 64,
					       .pa = FAKE_CHAN_PA(1),
					       .size = 4096};
	sys4_cores[0] = (struct tess_core_cfg){.order = core0, .nshards = 3};
	sys4_cores[1] = (struct tess_core_cfg){.order = core1, .nshards = 1};
	memset(&sys4, 0, sizeof(sys4));
	sys4.name = "sys4";
	sys4.tick_ns = 1000000;
	sys4.ncores = 2;
	sys4.nshards = 4;
	sys4.nchannels = 2;
	sys4.cores = sys4_cores;
	sys4.shards = sys4_shards;
	sys4.channels = sys4_chans;
}
