/* kern_boot: table checks, per-shard start sequence, control pages. */
#include <kern/sched.h>
#include "check.h"
#include "fake.h"
#include "sys4.h"

static void good_boot(void)
{
	struct tess_ctrl *ctrl;

	fake_reset();
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	CHECK_STR(fake_out(), "kern| shard a: started on core 0\n"
			      "kern| shard b: started on core 0\n"
			      "kern| shard c: started on core 0\n"
			      "kern| shard d: started on core 1\n");
	for (unsigned i = 0; i < 4; i++) {
		struct kern_shard *s = kern_shard_by_id(i);

		CHECK(s != NULL);
		CHECK(kern_shard_cfg(s) == &sys4_shards[i]);
		CHECK_EQ(fake_builds[i], 1);
		CHECK_EQ(fake_loads[i], 1);
		CHECK_EQ(fake_stats(i).state, KS_INIT);
	}
	CHECK(kern_shard_by_id(4) == NULL);
	ctrl = fake_ctrl(D);
	CHECK_EQ(ctrl->magic, TESS_CTRL_MAGIC);
	CHECK_EQ(ctrl->shard_id, D);
	CHECK_EQ(ctrl->core, 1);
	CHECK_EQ(ctrl->start_reason, TESS_START_FIRST);
	CHECK_EQ(ctrl->restarts, 0);
	CHECK_EQ(ctrl->version, 1);
	CHECK_STR(kern_state_name(KS_INIT), "init");
	CHECK_STR(kern_state_name(KS_HALTED), "halted");
	CHECK_STR(kern_state_name(99), "?");
}

/* The first context starts at the entry with the planned stack and
 * TESS_START_FIRST; the first dispatch sets no return value. */
static void first_context(void)
{
	fake_reset();
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_seen[D][0], ~0ull);
	CHECK_STR(fake_runs, "d");
}

static void bad_tables(void)
{
	static const uint16_t both[] = {A, B, C, D};
	static const struct tess_chan_end wrong[] = {{.channel = 1, .role = TESS_ROLE_PRODUCER}};
	static const struct tess_chan_end nochan[] = {{.channel = 9, .role = TESS_ROLE_PRODUCER}};
	static const struct tess_irq_grant badirq[] = {{.irq = 5, .bit = 0}};

	fake_reset();
	sys4_reset();
	sys4_shards[C].core = 5;
	sys4_shards[D].on_fault = 7;
	sys4_shards[A].ends = wrong;
	CHECK_EQ(kern_boot_cfg(&sys4), -1);
	CHECK_STR(fake_out(),
		  "kern| tables: shard a: end 0 does not match channel bd\n"
		  "kern| tables: shard c: core 5, system has 2\n"
		  "kern| tables: shard c: lane 0 is not the shard's core, stack and control page\n"
		  "kern| tables: shard d: bad policy (on_hang 0, on_fault 7)\n"
		  "kern| boot: 4 problems in the tables of sys4, not starting\n");
	CHECK_EQ(fake_loads[A], 0);
	CHECK(kern_shard_by_id(0) == NULL);

	fake_reset();
	sys4_reset();
	sys4_cores[0].order = both;
	sys4_cores[0].nshards = 4;
	sys4_shards[B].ctrl_pa = 0x1000;
	sys4_shards[A].ends = nochan;
	sys4_shards[B].irqs = badirq;
	CHECK_EQ(kern_boot_cfg(&sys4), -1);
	CHECK_STR(fake_out(),
		  "kern| tables: shard a: end 0: bad channel 9 or role 0\n"
		  "kern| tables: shard b: control page 0x1000 not in memory\n"
		  "kern| tables: shard b: lane 0 is not the shard's core, stack and control page\n"
		  "kern| tables: shard b: irq 5 has bit 0, lane 0\n"
		  "kern| tables: core 0: order lists shard 3 which is not on it\n"
		  "kern| boot: 5 problems in the tables of sys4, not starting\n");

	fake_reset();
	sys4_reset();
	sys4.ncores = 9;
	CHECK_EQ(kern_boot_cfg(&sys4), -1);
	CHECK_STR(fake_out(), "kern| tables: 9 cores (1..8)\n"
			      "kern| boot: 1 problem in the tables of sys4, not starting\n");
}

static void platform_failures(void)
{
	fake_reset();
	sys4_reset();
	fake_build_fail = 1;
	CHECK_EQ(kern_boot_cfg(&sys4), -1);
	CHECK_STR(fake_out(), "kern| shard a: address space not built (see the platform's line)\n");

	fake_reset();
	sys4_reset();
	fake_load_fail[B] = 1;
	CHECK_EQ(kern_boot_cfg(&sys4), -1);
	CHECK_STR(fake_out(), "kern| shard a: started on core 0\n"
			      "kern| shard b: load failed\n");
}

int main(void)
{
	good_boot();
	first_context();
	bad_tables();
	platform_failures();
	return t_summary("test_kern_boot");
}
