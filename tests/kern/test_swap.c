/* The hot-reload swap (kern/reload/swap.c) and reload_init
 * (kern/reload/init.c) on the fake platform: install at a yield (never
 * mid-entry), the new version's start reason and version id, channel bits
 * re-armed, trial of one watchdog period, commit, rollback on a fault or
 * hang in the trial, refusals, the platform's prepare (console core,
 * before the request; a failure refuses), and the one outcome per request
 * that the console core takes. The protocol (kern/reload/proto.c) is
 * played by request() and take() below. */
#include <string.h>
#include <kern/priv.h>
#include <kern/reload.h>
#include "check.h"
#include "fake.h"
#include "internal.h"
#include "sys4.h"

#define MS 1000000ull

/* ---- the console core's side, as kern/reload/proto.c plays it ---- */
const uint8_t tess_reload_key[RELOAD_KEY_LEN];
static unsigned finishes;
static int fin_accepted;
static uint64_t fin_version;
static char fin_reason[128];

static void *init_staging;
static size_t init_cap, init_keylen;
static const uint8_t *init_key;

void reload_proto_init(void *staging, size_t cap, const uint8_t *key, size_t keylen)
{
	init_staging = staging, init_cap = cap, init_key = key, init_keylen = keylen;
}

static const unsigned char payload[100];

/* The swap's outcome into fin_*, if there is one (reload_poll). */
static void take(void)
{
	int accepted;
	uint64_t version;
	const char *reason;

	if (!reload_swap_outcome(&accepted, &version, &reason))
		return;
	finishes++;
	fin_accepted = accepted;
	fin_version = version;
	strncpy(fin_reason, reason, sizeof(fin_reason) - 1);
}

/* A verified package of `len` bytes for shard `id` (exec_pages 3), handed
 * to the swap, whose outcome is then looked for at once. */
enum { BUSY = -1, REFUSED = 0, POSTED = 1 };
static int request(unsigned id, size_t len, uint64_t version)
{
	unsigned before = finishes;

	if (reload_swap_request(&sys4_shards[id], payload, len, version, 3) != 0)
		return BUSY;
	take();
	return finishes == before ? POSTED : REFUSED; /* REFUSED: the outcome is in fin_* */
}

/* plat_shard_prepare (the weak default is a no-op): calls, what it saw,
 * and whether the shard's core had installed anything by then. */
static unsigned prepares, prepare_fail, prepared_installs;
static const void *prepared_payload;
static size_t prepared_len;
static unsigned prepared_id;

int plat_shard_prepare(const struct tess_shard_cfg *cfg, const void *p, size_t len)
{
	prepares++;
	prepared_id = cfg->id;
	prepared_payload = p;
	prepared_len = len;
	prepared_installs = fake_installs[cfg->id];
	return prepare_fail ? -1 : 0;
}

static void boot(void)
{
	sys4_reset();
	fake_reset();
	finishes = 0;
	fin_reason[0] = 0;
	prepares = prepare_fail = 0;
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_out_clear();
}

/* d (alone on core 1) has its first turn and sleeps. */
static void d_sleeping(void)
{
	boot();
	fake_now = 100 * MS;
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_stats(D).state, KS_WAITING);
	fake_nruns = 0;
	memset(fake_runs, 0, sizeof(fake_runs));
}

static void accepted(void)
{
	/* The new version: init takes 2 ms, its first entry 1 ms. */
	static const struct fake_step v5[] = {
		{.trap = {.kind = TRAP_SYSCALL, .nr = TESS_SYS_YIELD}, .advance_ns = 2 * MS},
		{.trap = {.kind = TRAP_SYSCALL, .nr = TESS_SYS_YIELD}, .advance_ns = 1 * MS}};
	struct kern_shard *s;
	uint64_t ev;
	struct kern_trace_entry e;

	d_sleeping();
	memset(plat_pa_to_kva(FAKE_CHAN_PA(1)), 0x5a, 64); /* "queued messages" */
	CHECK_EQ(request(D, sizeof(payload), 5), POSTED);
	/* Prepared on the console core, before the shard's core installs. */
	CHECK_EQ(prepares, 1);
	CHECK_EQ(prepared_id, D);
	CHECK(prepared_payload == payload);
	CHECK_EQ(prepared_len, sizeof(payload));
	CHECK_EQ(prepared_installs, 0);
	CHECK_EQ(fake_ipis[1], 1); /* a sleeping core looks again */
	CHECK_EQ(fake_installs[D], 0);
	fake_set_script(D, v5, 2);
	CHECK(kern_core_step(1)); /* install, then the new version's init */
	s = kern_shard_by_id(D);
	CHECK_EQ(fake_stops[D], 1);
	CHECK_EQ(fake_installs[D], 1);
	CHECK_EQ(fake_installed_len[D], sizeof(payload));
	CHECK_EQ(fake_loads[D], 1); /* boot only: the install replaced the load */
	CHECK_EQ(s->ctx.arg0, TESS_START_RELOAD);
	CHECK_EQ(fake_ctrl(D)->start_reason, TESS_START_RELOAD);
	CHECK_EQ(fake_ctrl(D)->version, 5);
	CHECK_EQ(((unsigned char *)plat_pa_to_kva(FAKE_CHAN_PA(1)))[63], 0x5a);
	CHECK_STR(fake_runs, "d");
	/* d's channel end is pending: its first entry after init drains it. */
	CHECK_EQ(atomic_load(&s->pending), 1);
	take();
	CHECK_EQ(finishes, 0); /* on trial */
	CHECK_EQ(reload_exec_pages(), 3);
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_seen[D][1], 1);
	CHECK(!kern_core_step(1)); /* 3 ms into the 10 ms trial: still on trial */
	CHECK_EQ(fake_commits[D], 0);
	fake_now += 7 * MS - 1;
	CHECK(!kern_core_step(1));
	CHECK_EQ(fake_commits[D], 0);
	fake_now += 1;
	CHECK(!kern_core_step(1));
	CHECK_EQ(fake_commits[D], 1);
	CHECK_EQ(fake_committed_len[D], sizeof(payload));
	CHECK_STR(fake_out(),
		  "kern| reload: shard d: version 1 stopped at a yield, version 5 installed\n"
		  "kern| reload: shard d: downtime 3000000 ns (old version stopped to first entry after "
		  "init done)\n"
		  "kern| reload: shard d: version 5 running\n");
	take();
	CHECK_EQ(finishes, 1);
	CHECK_EQ(fin_accepted, 1);
	CHECK_EQ(fin_version, 5);
	take();
	CHECK_EQ(finishes, 1); /* delivered once */
	CHECK_EQ(fake_stats(D).restarts, 0);
	ev = kern_trace_total();
	CHECK(ev > 0);
	for (uint64_t i = 0; i < ev; i++)
		if (kern_trace_get(i, &e) == 0 && e.event == KT_RELOAD)
			CHECK_EQ(e.arg, 5);
	CHECK_EQ(request(D, 10, 5), REFUSED);
	CHECK_STR(fin_reason, "version 5 is not newer than the running version 5");
	CHECK_EQ(s->floor, 5); /* the commit raised the anti-rollback floor */
}

/* After the commit a fault is the policy's again: the restart loads the
 * committed image (plat_shard_load) and keeps the new version id. */
static void restart_after_commit(void)
{
	static const struct fake_step crash[] = {FAULT(FAULT_READ, 0x20, 0x400010, 0)};

	d_sleeping();
	CHECK_EQ(request(D, sizeof(payload), 4), POSTED);
	CHECK(kern_core_step(1)); /* install, init */
	CHECK(kern_core_step(1)); /* first entry after init */
	fake_now += 10 * MS;
	CHECK(!kern_core_step(1));
	CHECK_EQ(fake_commits[D], 1);
	take();
	CHECK_EQ(fin_accepted, 1);
	fake_set_script(D, crash, 1);
	kern_shard_by_id(D)->ctx.step = 0; /* its next resume crashes */
	atomic_fetch_or(&kern_shard_by_id(D)->pending, 1);
	fake_out_clear();
	CHECK(kern_core_step(1));
	CHECK_STR(fake_out(), "kern| shard d: fault read at 0x20 pc 0x400010\n"
			      "kern| shard d: restarted (1/3 in 1 s)\n");
	CHECK_EQ(fake_loads[D], 2);
	CHECK_EQ(fake_installs[D], 1);
	CHECK_EQ(fake_ctrl(D)->version, 4);
	CHECK_EQ(fake_ctrl(D)->start_reason, TESS_START_RESTART);
}

/* A hang before the first yield, and a reload that revives a halted shard. */
static void hang_in_init_and_halted(void)
{
	static const struct fake_step spin[] = {TICK(11 * MS)};
	static const struct fake_step crash[] = {FAULT(FAULT_UNDEF, 0, 0x400000, 0)};

	d_sleeping();
	CHECK_EQ(request(D, sizeof(payload), 2), POSTED);
	fake_set_script(D, spin, 1);
	CHECK(kern_core_step(1));
	take();
	CHECK_STR(fin_reason, "rolled back (hang in init)");

	sys4_reset();
	sys4_shards[D].on_fault = TESS_POLICY_HALT;
	fake_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_set_script(D, crash, 1);
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_stats(D).state, KS_HALTED);
	CHECK(!kern_core_step(1));
	fake_set_script(D, 0, 0);
	CHECK_EQ(request(D, sizeof(payload), 2), POSTED);
	CHECK(kern_core_step(1)); /* installed and run although it was halted */
	CHECK_EQ(fake_installs[D], 1);
	CHECK_EQ(fake_stats(D).state, KS_WAITING);
	fake_now += 10 * MS;
	kern_core_step(1);
	take();
	CHECK_EQ(fin_accepted, 1);
	CHECK_EQ(fin_version, 2);
}

static void rolled_back_fault_in_init(void)
{
	static const struct fake_step bad[] = {FAULT(FAULT_WRITE, 0x10, 0x400000, 0)};

	d_sleeping();
	CHECK_EQ(request(D, sizeof(payload), 7), POSTED);
	fake_set_script(D, bad, 1);
	CHECK(kern_core_step(1));
	CHECK_STR(fake_out(), "kern| reload: shard d: version 1 stopped at a yield, version 7 installed\n"
			      "kern| shard d: fault write at 0x10 pc 0x400000\n"
			      "kern| reload: shard d: version 7: fault in init, rolled back to version 1\n");
	CHECK_EQ(fake_loads[D], 2); /* the previous image, loaded again */
	CHECK_EQ(fake_commits[D], 0);
	CHECK_EQ(fake_ctrl(D)->version, 1);
	CHECK_EQ(fake_ctrl(D)->start_reason, TESS_START_RESTART);
	CHECK_EQ(fake_stats(D).restarts, 0); /* not the fault policy */
	CHECK_EQ(fake_stats(D).faults, 1);
	take();
	CHECK_EQ(finishes, 1);
	CHECK_EQ(fin_accepted, 0);
	CHECK_STR(fin_reason, "rolled back (fault in init)");
	fake_set_script(D, 0, 0); /* the old version is healthy */
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_stats(D).state, KS_WAITING);
	/* The fault policy applies again once the trial is over. */
	CHECK_EQ(request(D, sizeof(payload), 8), POSTED);
}

static void rolled_back_hang_after_init(void)
{
	static const struct fake_step hang[] = {YIELD_WAIT, TICK(11 * MS)};

	d_sleeping();
	CHECK_EQ(request(D, sizeof(payload), 6), POSTED);
	fake_set_script(D, hang, 2);
	CHECK(kern_core_step(1));
	CHECK(kern_core_step(1));
	CHECK_STR(fake_out(),
		  "kern| reload: shard d: version 1 stopped at a yield, version 6 installed\n"
		  "kern| shard d: watchdog: no yield for 11 ms\n"
		  "kern| reload: shard d: version 6: hang after init, rolled back to version 1\n");
	take();
	CHECK_STR(fin_reason, "rolled back (hang after init)");
	CHECK_EQ(fin_accepted, 0);
	CHECK_EQ(fake_ctrl(D)->version, 1);
}

static void install_or_commit_fails(void)
{
	d_sleeping();
	fake_install_fail[D] = 1;
	CHECK_EQ(request(D, sizeof(payload), 2), POSTED);
	CHECK(kern_core_step(1));
	CHECK_STR(fake_out(), "kern| shard d: load failed\n"
			      "kern| reload: shard d: version 2: install failed, rolled back to version 1\n");
	take();
	CHECK_STR(fin_reason, "rolled back (install failed)");

	d_sleeping();
	fake_commit_fail[D] = 1;
	CHECK_EQ(request(D, sizeof(payload), 2), POSTED);
	CHECK(kern_core_step(1));
	fake_now += 10 * MS;
	kern_core_step(1);
	take();
	CHECK_STR(fin_reason, "rolled back (commit failed)");
	CHECK_EQ(fake_ctrl(D)->version, 1);
}

static void refusals(void)
{
	d_sleeping();
	CHECK_EQ(request(D, sizeof(payload), 1), REFUSED);
	CHECK_EQ(finishes, 1);
	CHECK_STR(fin_reason, "version 1 is not newer than the running version 1");
	CHECK_EQ(request(D, sizeof(payload), 3), POSTED);
	CHECK_EQ(request(C, sizeof(payload), 3), BUSY); /* d's outcome has not been taken */
	CHECK_EQ(finishes, 1);
	CHECK_EQ(fake_installs[D] + fake_installs[C], 0);
	CHECK_EQ(prepares, 1); /* neither refusal prepared anything */
	CHECK_EQ(prepared_id, D);
}

/* The anti-rollback floor (kern/rollback.c): a version above the running
 * one but not above one the shard accepted before (here in a previous
 * boot, read back from the persistent store) is refused; a newer one goes
 * ahead. */
static void anti_rollback(void)
{
	memset(fake_nv, 0xff, sizeof(fake_nv));
	boot();
	fake_nv_size = FAKE_NV_MAX; /* boot() reset it: the store from the next boot on */
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	kern_rollback_accepted(kern_shard_by_id(D), 9);
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0); /* a reboot: fake_nv kept */
	CHECK_EQ(kern_shard_by_id(D)->version, 1);
	CHECK_EQ(request(D, sizeof(payload), 8), REFUSED);
	CHECK_STR(fin_reason, "version 8 is not newer than version 9, accepted before (anti-rollback)");
	CHECK_EQ(prepares, 0);
	CHECK_EQ(request(D, sizeof(payload), 10), POSTED);
}

/* A failed prepare refuses the swap before it is posted: the running
 * version is never stopped, and the next swap may go ahead. */
static void prepare_fails(void)
{
	d_sleeping();
	prepare_fail = 1;
	CHECK_EQ(request(D, sizeof(payload), 2), REFUSED);
	CHECK_EQ(finishes, 1);
	CHECK_STR(fin_reason, "prepare failed");
	CHECK_STR(fake_out(), "kern| reload: shard d: version 2: prepare failed, version 1 keeps running\n");
	CHECK_EQ(fake_ipis[1], 0);
	CHECK(!kern_core_step(1)); /* d still sleeps: nothing to install */
	CHECK_EQ(fake_stops[D] + fake_installs[D], 0);
	CHECK_EQ(fake_ctrl(D)->version, 1);
	prepare_fail = 0;
	CHECK_EQ(request(D, sizeof(payload), 2), POSTED);
	CHECK_EQ(prepares, 2);
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_installs[D], 1);
}

/* The request lands while b (core 0, with a and c) is mid-entry (after a
 * system call that does not end the entry): b finishes its entry, the
 * install happens at the next step, c still gets its turn right after, and
 * b's pending IRQ bit survives next to its re-armed channel bits. */
static int requested;

static void request_b(unsigned id, struct arch_ctx *ctx)
{
	(void)id, (void)ctx;
	if (!requested++)
		CHECK_EQ(request(B, sizeof(payload), 9), POSTED);
}

static void never_mid_entry(void)
{
	static const struct fake_step b[] = {
		{.trap = {.kind = TRAP_SYSCALL, .nr = TESS_SYS_TIME}, .hook = request_b},
		SYS(TESS_SYS_TIME, 0),
		YIELD_WAIT};
	struct kern_shard *sb;

	boot();
	requested = 0;
	fake_set_script(B, b, 3);
	CHECK(kern_core_step(0)); /* a */
	CHECK(kern_core_step(0)); /* b: the request arrives mid-entry */
	CHECK_STR(fake_runs, "abbb");
	CHECK_EQ(fake_installs[B], 0);
	CHECK_EQ(fake_stats(B).yields, 1);
	sb = kern_shard_by_id(B);
	atomic_fetch_or(&sb->pending, 4); /* its IRQ fired meanwhile */
	CHECK(kern_core_step(0));	  /* install b, then c's turn */
	CHECK_EQ(fake_installs[B], 1);
	CHECK_STR(fake_runs, "abbbc");
	CHECK_EQ(atomic_load(&sb->pending), 7);
	CHECK(kern_core_step(0)); /* b's new version */
	CHECK_STR(fake_runs, "abbbcbbb");
	CHECK_EQ(fake_ctrl(B)->version, 9);
	CHECK_EQ(fake_ctrl(A)->version, 1);
}

/* reload_init: the planned staging buffer, or off without one. */
static void init_from_plan(void)
{
	boot();
	init_staging = 0;
	CHECK_EQ(reload_init(), -1);
	CHECK(init_staging == 0);
	sys4.reload_staging_pa = FAKE_PA + 40 * TESS_PAGE_SIZE;
	sys4.reload_staging_size = 2 * TESS_PAGE_SIZE;
	CHECK_EQ(reload_init(), 0);
	CHECK(init_staging == plat_pa_to_kva(FAKE_PA + 40 * TESS_PAGE_SIZE));
	CHECK_EQ(init_cap, 2 * TESS_PAGE_SIZE);
	CHECK(init_key == tess_reload_key);
	CHECK_EQ(init_keylen, RELOAD_KEY_LEN);
}

int main(void)
{
	init_from_plan();
	accepted();
	rolled_back_fault_in_init();
	rolled_back_hang_after_init();
	restart_after_commit();
	hang_in_init_and_halted();
	install_or_commit_fails();
	refusals();
	anti_rollback();
	prepare_fails();
	never_mid_entry();
	return t_summary("test_kern_swap");
}
