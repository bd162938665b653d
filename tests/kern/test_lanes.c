/* Multi-core shards (issue 15): lane 0 runs shard_init before the other
 * lanes enter; notifications reach the lane that owns the end; a fault or
 * hang on any lane stops every lane (the others at their next trap or
 * scheduling step) and the shard is restarted once, or halted.
 *
 * System: p (core 0) fans out to w, two lanes on cores 1 and 2:
 * channel 0 p -> w.0, channel 1 p -> w.1. Each lane of w runs a script
 * of its own, told apart by the stack the kernel gave its context. */
#include <string.h>
#include <kern/priv.h>
#include "check.h"
#include "fake.h"
#include "internal.h"

#define MS 1000000ull
enum { P = 0, W = 1 };

static const struct tess_chan_end p_ends[] = {{.channel = 0, .role = TESS_ROLE_PRODUCER},
					      {.channel = 1, .role = TESS_ROLE_PRODUCER}};
static const struct tess_chan_end w_ends[] = {{.channel = 0, .role = TESS_ROLE_CONSUMER, .lane = 0},
					      {.channel = 1, .role = TESS_ROLE_CONSUMER, .lane = 1}};
static const struct tess_lane_cfg p_lanes[] = {
	{.core = 0, .stack_top = 0x410000, .ctrl_pa = FAKE_CTRL_PA(0)}};
static const struct tess_lane_cfg w_lanes[] = {
	{.core = 1, .stack_top = 0x510000, .ctrl_pa = FAKE_CTRL_PA(1)},
	{.core = 2, .stack_top = 0x520000, .ctrl_pa = FAKE_CTRL_PA(2)}};
static const uint16_t core0[] = {P}, core1[] = {W}, core2[] = {W};
static struct tess_shard_cfg shards[2];
static struct tess_chan_cfg chans[2];
static struct tess_core_cfg cores[3];
static struct tess_system_cfg sys;

static void tables(void)
{
	shards[P] = (struct tess_shard_cfg){.name = "p",
					    .id = P,
					    .core = 0,
					    .stack_top = 0x410000,
					    .ctrl_pa = FAKE_CTRL_PA(0),
					    .watchdog_ns = 10 * MS,
					    .on_fault = TESS_POLICY_RESTART,
					    .on_hang = TESS_POLICY_RESTART,
					    .restart_max = 3,
					    .restart_window_ns = 1000 * MS,
					    .nends = 2,
					    .ends = p_ends,
					    .nlanes = 1,
					    .lanes = p_lanes};
	shards[W] = shards[P];
	shards[W].name = "w";
	shards[W].id = W;
	shards[W].core = 1;
	shards[W].stack_top = 0x510000;
	shards[W].ctrl_pa = FAKE_CTRL_PA(1);
	shards[W].ends = w_ends;
	shards[W].nlanes = 2;
	shards[W].lanes = w_lanes;
	for (unsigned c = 0; c < 2; c++)
		chans[c] = (struct tess_chan_cfg){.name = c ? "p_to_w_1" : "p_to_w_0",
						  .from = P,
						  .to = W,
						  .from_bit = (uint8_t)c,
						  .to_bit = (uint8_t)c,
						  .to_lane = (uint8_t)c,
						  .slots = 8,
						  .slot_size = 64,
						  .pa = FAKE_CHAN_PA(c),
						  .size = 4096};
	cores[0] = (struct tess_core_cfg){.order = core0, .nshards = 1};
	cores[1] = (struct tess_core_cfg){.order = core1, .nshards = 1};
	cores[2] = (struct tess_core_cfg){.order = core2, .nshards = 1};
	sys = (struct tess_system_cfg){.name = "lanes",
				       .tick_ns = MS,
				       .ncores = 3,
				       .nshards = 2,
				       .nchannels = 2,
				       .cores = cores,
				       .shards = shards,
				       .channels = chans};
}

/* What each lane of w does on its n-th resume (after its last step: WAIT). */
static struct trap script[2][8];
/* Lane 0 fails while lane 1 is mid-turn on its core (played by run_w). */
static bool fail_lane0_mid_turn;
/* A hot reload is requested, and lane 0's core takes its next scheduling
 * step, while lane 1 is mid-turn (played by run_w). */
static bool reload_mid_turn;
static const unsigned char payload[64];
static unsigned script_len[2];
static char lane_runs[64];
static unsigned nlane_runs;

static struct kern_shard *lane(unsigned l)
{
	return kern_lane(kern_shard_by_id(W), l);
}

static unsigned lane_of(const struct arch_ctx *ctx)
{
	return ctx->sp == w_lanes[1].stack_top;
}

static void run_w(unsigned id, struct arch_ctx *ctx, struct trap *t)
{
	unsigned l = lane_of(ctx), step = ctx->step - 1;

	(void)id;
	if (l == 1 && reload_mid_turn) { /* the console core and lane 0's core, meanwhile */
		reload_mid_turn = false;
		CHECK_EQ(reload_swap_request(&shards[W], payload, sizeof(payload), 2, 1), 0);
		CHECK(!kern_core_step(1)); /* gathers: lane 0 stops, between its entries */
	}
	if (l == 1 && fail_lane0_mid_turn) { /* lane 0's core, meanwhile */
		kern_set_state(lane(0), KS_FAULTED);
		kern_lanes_stop(1, lane(0), TESS_POLICY_RESTART);
	}
	if (nlane_runs < sizeof(lane_runs) - 1)
		lane_runs[nlane_runs++] = (char)('0' + l);
	if (step < script_len[l]) {
		*t = script[l][step];
		if (t->kind == TRAP_TICK)
			fake_now += 11 * MS; /* past the 10 ms watchdog */
		return;
	}
	*t = (struct trap){.kind = TRAP_SYSCALL, .nr = TESS_SYS_YIELD, .arg = {TESS_YIELD_WAIT}};
}

static void boot(void)
{
	fake_reset();
	tables();
	memset(script, 0, sizeof(script));
	memset(script_len, 0, sizeof(script_len));
	memset(lane_runs, 0, sizeof(lane_runs));
	nlane_runs = 0;
	fake_run_fn[W] = run_w;
	CHECK_EQ(kern_boot_cfg(&sys), 0);
}

/* Every lane has its own stack and control page; lane 1 waits until lane
 * 0 has yielded (its shard_init is done), then its core is woken. */
static void init_before_lanes(void)
{
	boot();
	CHECK_STR(fake_out(), "kern| shard p: started on core 0\n"
			      "kern| shard w: started on cores 1-2 (2 lanes)\n");
	CHECK_EQ(lane(0)->ctx.sp, 0x510000);
	CHECK_EQ(lane(1)->ctx.sp, 0x520000);
	CHECK_EQ(lane(1)->ctx.entry, lane(0)->ctx.entry);
	CHECK_EQ(fake_ctrl(2)->core, 2);
	CHECK_EQ(fake_ctrl(1)->core, 1);
	CHECK_EQ(fake_loads[W], 1); /* one image for both lanes */
	CHECK(!kern_core_step(2));  /* lane 1: shard_init has not run */
	CHECK_EQ(fake_ipis[2], 0);
	CHECK(kern_core_step(1)); /* lane 0: init, yields */
	CHECK_EQ(fake_ipis[2], 1);
	CHECK(kern_core_step(2));
	CHECK_STR(lane_runs, "01");
	CHECK(!kern_core_step(2)); /* waiting */
}

/* p's end to w.1 wakes lane 1 (core 2), not lane 0; a lane cannot notify
 * through another lane's end. */
static void notify_reaches_the_lane(void)
{
	boot();
	CHECK(kern_core_step(1));
	CHECK(kern_core_step(2));
	fake_out_clear();
	CHECK_EQ(kern_notify(0, kern_shard_by_id(P), 1), 0);
	CHECK_EQ(atomic_load(&lane(1)->pending), 1u << 1);
	CHECK_EQ(atomic_load(&lane(0)->pending), 0);
	CHECK_EQ(fake_ipis[2], 2); /* init's wake, then this one */
	CHECK(!kern_core_step(1));
	CHECK(kern_core_step(2));
	CHECK_EQ(kern_notify(1, lane(0), 1), -1);
	CHECK_EQ(kern_notify(2, lane(1), 1), 0);
	CHECK_EQ(atomic_load(&kern_shard_by_id(P)->pending), 1u << 1);
	CHECK_EQ(kern_notify(2, lane(1), 2), -1);
}

/* A fault on lane 1 stops lane 0 (sleeping: at its core's next step) and
 * restarts both once: one shard restart, lane 0 first again. */
static void fault_restarts_every_lane(void)
{
	boot();
	CHECK(kern_core_step(1));
	CHECK(kern_core_step(2));
	script[1][0] = (struct trap){.kind = TRAP_FAULT, .fault = FAULT_WRITE, .addr = 0x10, .pc = 0x4000};
	script_len[1] = 1;
	lane(1)->ctx.step = 0;
	atomic_store(&lane(1)->pending, 2); /* a message for lane 1 */
	fake_out_clear();
	CHECK(kern_core_step(2));
	CHECK_STR(fake_out(), "kern| shard w: fault write at 0x10 pc 0x4000\n"
			      "kern| shard w: lane 1 failed: stopping its 2 lanes\n");
	CHECK_EQ(fake_ipis[1], 1);
	CHECK_EQ(fake_loads[W], 1); /* lane 0 has not stopped yet */
	CHECK_EQ(kern_get_state(lane(1)), KS_FAULTED);
	fake_out_clear();
	CHECK(!kern_core_step(1)); /* lane 0 stops: the last, it restarts the shard */
	CHECK_STR(fake_out(), "kern| shard w: restarted (1/3 in 1 s)\n");
	CHECK_EQ(fake_loads[W], 2);
	CHECK_EQ(fake_stops[W], 1);
	CHECK_EQ(fake_stats(W).restarts, 1);
	CHECK_EQ(fake_stats(W).faults, 1);
	CHECK_EQ(lane(0)->ctx.starts, 2);
	CHECK_EQ(lane(1)->ctx.starts, 2);
	CHECK_EQ(lane(1)->ctx.arg0, TESS_START_RESTART);
	CHECK_EQ(fake_ctrl(2)->start_reason, TESS_START_RESTART);
	CHECK_EQ(fake_ctrl(2)->restarts, 1);
	CHECK(!kern_core_step(2)); /* lane 1 waits for lane 0's init again */
	CHECK(kern_core_step(1));
	script_len[1] = 0;
	CHECK(kern_core_step(2));
	CHECK_STR(fake_stats(W).last_fault, "write at 0x10 pc 0x4000");
}

/* A hang on lane 0 (caught at the tick past the timeout) stops lane 1:
 * between turns at its core's next step, mid-turn at its next trap; one
 * restart each time; p is untouched. */
static void hang_stops_every_lane(void)
{
	boot();
	CHECK(kern_core_step(1));
	CHECK(kern_core_step(2));
	lane(0)->ctx.step = 0;
	script[0][0] = (struct trap){.kind = TRAP_TICK};
	script_len[0] = 1;
	atomic_store(&lane(0)->pending, 1);
	fake_out_clear();
	CHECK(kern_core_step(1));
	CHECK_STR(fake_out(), "kern| shard w: watchdog: no yield for 11 ms\n"
			      "kern| shard w: lane 0 failed: stopping its 2 lanes\n");
	fake_out_clear();
	CHECK(!kern_core_step(2)); /* lane 1 was asleep: stopped, and the last */
	CHECK_STR(fake_out(), "kern| shard w: restarted (1/3 in 1 s)\n");
	CHECK_EQ(fake_stats(W).hangs, 1);
	CHECK_EQ(fake_stats(W).restarts, 1);
	CHECK_EQ(fake_stats(P).restarts, 0);
	CHECK_EQ(kern_get_state(lane(0)), KS_RESTARTING);
	CHECK_EQ(kern_get_state(lane(1)), KS_RESTARTING);

	/* Mid-turn: lane 1's system call is served, then its turn ends. */
	script_len[0] = 0;
	CHECK(kern_core_step(1));
	lane(1)->ctx.step = 0;
	script[1][0] = (struct trap){.kind = TRAP_SYSCALL, .nr = TESS_SYS_TIME};
	script_len[1] = 1;
	fail_lane0_mid_turn = true;
	fake_out_clear();
	CHECK(kern_core_step(2));
	fail_lane0_mid_turn = false;
	CHECK_STR(fake_out(), "kern| shard w: lane 0 failed: stopping its 2 lanes\n"
			      "kern| shard w: restarted (2/3 in 1 s)\n");
	CHECK_EQ(lane(1)->ctx.step, 0); /* restarted: a fresh context */
	CHECK_EQ(fake_stats(W).restarts, 2);
}

/* Halt: every lane halted, the image stopped once; restart limits count
 * shard restarts (a second failure in a stopping shard is not one). */
static void halt_and_limits(void)
{
	boot();
	shards[W].on_fault = TESS_POLICY_HALT;
	CHECK(kern_core_step(1));
	CHECK(kern_core_step(2));
	kern_lanes_stop(2, lane(1), TESS_POLICY_HALT);
	kern_lanes_stop(1, lane(0), TESS_POLICY_RESTART); /* the first failure's policy wins */
	CHECK_EQ(kern_get_state(lane(0)), KS_HALTED);
	CHECK_EQ(kern_get_state(lane(1)), KS_HALTED);
	CHECK_EQ(fake_stops[W], 1);
	CHECK_EQ(fake_stats(W).restarts, 0);
	CHECK(!kern_core_step(1));
	CHECK(!kern_core_step(2));

	boot();
	shards[W].restart_max = 1;
	CHECK(kern_core_step(1));
	for (unsigned i = 0; i < 2; i++) {
		kern_lanes_stop(2, lane(1), TESS_POLICY_RESTART);
		CHECK(!kern_core_step(1));
	}
	CHECK_EQ(fake_stats(W).restarts, 1);
	CHECK_EQ(kern_get_state(lane(0)), KS_HALTED);
	CHECK_EQ(kern_get_state(lane(1)), KS_HALTED);
}

static bool outcome(int *accepted, uint64_t *version)
{
	const char *reason;

	return reload_swap_outcome(accepted, version, &reason);
}

/* A hot reload swaps both lanes at one barrier: a lane mid-entry finishes
 * its entry (its system calls are served) and stops at its yield; the core
 * of the last lane to stop installs; every lane's channel bits are armed
 * again for the new version; a fault on any lane in the trial rolls every
 * lane back. */
static void reload_barrier(void)
{
	int accepted;
	uint64_t version;

	boot();
	shards[W].restart_window_ns = 0;
	CHECK(kern_core_step(1));
	CHECK(kern_core_step(2));
	lane(1)->ctx.step = 0;
	script[1][0] = (struct trap){.kind = TRAP_SYSCALL, .nr = TESS_SYS_TIME};
	script[1][1] = (struct trap){.kind = TRAP_SYSCALL, .nr = TESS_SYS_YIELD, .arg = {TESS_YIELD_POLL}};
	script_len[1] = 2;
	atomic_store(&lane(1)->pending, 2);
	reload_mid_turn = true;
	fake_out_clear();
	nlane_runs = 0;
	memset(lane_runs, 0, sizeof(lane_runs));
	CHECK(kern_core_step(2)); /* lane 1's whole entry: TIME, then its yield */
	CHECK_STR(lane_runs, "11");
	CHECK_EQ(fake_installs[W], 0);
	CHECK(!kern_core_step(2)); /* stops at its core's next step: the last, installs */
	CHECK_EQ(fake_installs[W], 1);
	CHECK_STR(fake_out(), "kern| reload: shard w: version 1 stopped at a yield, version 2 installed\n");
	CHECK_EQ(lane(0)->ctx.arg0, TESS_START_RELOAD);
	CHECK_EQ(lane(1)->ctx.arg0, TESS_START_RELOAD);
	CHECK_EQ(atomic_load(&lane(0)->pending), 1u << 0); /* each lane's own ends */
	CHECK_EQ(atomic_load(&lane(1)->pending), 1u << 1);
	CHECK_EQ(fake_ctrl(2)->version, 2);
	/* Trial: lane 0's init, then lane 1; accepted after a watchdog period. */
	script_len[1] = 0;
	CHECK(!kern_core_step(2));
	CHECK(kern_core_step(1));
	CHECK(kern_core_step(2));
	fake_now += 20 * MS;
	kern_core_step(1); /* its step accepts (lane 0 then runs its channel bits) */
	CHECK(outcome(&accepted, &version));
	CHECK_EQ(accepted, 1);
	CHECK_EQ(version, 2);
	CHECK_EQ(fake_commits[W], 1);

	/* Version 3 faults on lane 1 in its trial: both lanes back to 2. */
	fake_out_clear();
	CHECK_EQ(reload_swap_request(&shards[W], payload, sizeof(payload), 3, 1), 0);
	CHECK(!kern_core_step(1));
	CHECK(!kern_core_step(2));
	CHECK_EQ(fake_installs[W], 2);
	CHECK(kern_core_step(1));
	lane(1)->ctx.step = 0;
	script[1][0] = (struct trap){.kind = TRAP_FAULT, .fault = FAULT_READ, .addr = 0x8, .pc = 0x4000};
	script_len[1] = 1;
	CHECK(kern_core_step(2));
	CHECK_EQ(kern_get_state(lane(0)), KS_WAITING); /* still up: its core has not stepped */
	CHECK(!kern_core_step(1));
	CHECK_STR(fake_out(),
		  "kern| reload: shard w: version 2 stopped at a yield, version 3 installed\n"
		  "kern| shard w: fault read at 0x8 pc 0x4000\n"
		  "kern| shard w: lane 1 failed: stopping its 2 lanes\n"
		  "kern| reload: shard w: version 3: fault after init, rolled back to version 2\n");
	CHECK(outcome(&accepted, &version));
	CHECK_EQ(accepted, 0);
	CHECK_EQ(fake_ctrl(1)->version, 2);
	CHECK_EQ(lane(1)->ctx.arg0, TESS_START_RESTART);
	CHECK_EQ(fake_stats(W).restarts, 0); /* a roll back is no restart */
}

/* Lane indices come from the tables and are checked there. */
static void tables_checked(void)
{
	static const struct tess_chan_end bad[] = {{.channel = 0, .role = TESS_ROLE_CONSUMER, .lane = 0},
						   {.channel = 1, .role = TESS_ROLE_CONSUMER, .lane = 2}};
	static const struct tess_lane_cfg twice[] = {
		{.core = 1, .stack_top = 0x510000, .ctrl_pa = FAKE_CTRL_PA(1)},
		{.core = 1, .stack_top = 0x520000, .ctrl_pa = FAKE_CTRL_PA(2)}};

	fake_reset();
	tables();
	shards[W].ends = bad;
	CHECK_EQ(kern_boot_cfg(&sys), -1);
	CHECK_STR(fake_out(), "kern| tables: shard w: end 1 does not match channel p_to_w_1\n"
			      "kern| boot: 1 problem in the tables of lanes, not starting\n");
	fake_reset();
	tables();
	shards[W].lanes = twice;
	CHECK_EQ(kern_boot_cfg(&sys), -1);
	CHECK_STR(fake_out(), "kern| tables: shard w: lanes 0 and 1 share core 1\n"
			      "kern| tables: core 2: order lists shard 1 which is not on it\n"
			      "kern| tables: shard w: listed 1 times in core orders\n"
			      "kern| boot: 3 problems in the tables of lanes, not starting\n");
}

int main(void)
{
	init_before_lanes();
	notify_reaches_the_lane();
	fault_restarts_every_lane();
	hang_stops_every_lane();
	halt_and_limits();
	reload_barrier();
	tables_checked();
	return t_summary("test_kern_lanes");
}
