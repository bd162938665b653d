/* The trace rings: what is recorded on which core's ring, wraparound
 * after TESS_TRACE_ENTRIES events of a core, and the dump merged by time. */
#include <string.h>
#include "check.h"
#include "fake.h"
#include "sys4.h"

/* d polls forever; each turn is 10 ns of run time. */
static void d_polls(unsigned id, struct arch_ctx *ctx, struct trap *t)
{
	(void)id;
	(void)ctx;
	fake_now += 10;
	*t = (struct trap){.kind = TRAP_SYSCALL, .nr = TESS_SYS_YIELD, .arg = {TESS_YIELD_POLL}};
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void boot_events(void)
{
	struct kern_trace_entry e;

	fake_reset();
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	CHECK_EQ(kern_trace_total(0), 4); /* the boot core's */
	CHECK_EQ(kern_trace_total(1), 0);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(kern_trace_get(0, i, &e), 0);
		CHECK_EQ(e.seq, i);
		CHECK_EQ(e.event, KT_BOOT);
		CHECK_EQ(e.shard, i);
		CHECK_EQ(e.arg, sys4_shards[i].core);
	}
	CHECK_EQ(kern_trace_get(0, 4, &e), -1); /* not written yet */
	CHECK_EQ(kern_trace_get(TESS_MAX_CORES, 0, &e), -1);
	CHECK_STR(kern_trace_event_name(KT_DISPATCH), "dispatch");
	CHECK_STR(kern_trace_event_name(KT_BADSYS), "badsys");
	CHECK_STR(kern_trace_event_name(1000), "?");
}

static void wraparound(void)
{
	const unsigned turns = 200; /* 2 events each: 404 in all */
	struct kern_trace_entry e;
	const uint64_t total = 2 * turns, oldest = total - TESS_TRACE_ENTRIES;
	const char *out, *last;

	fake_reset();
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_run_fn[D] = d_polls;
	fake_now = 1000;
	for (unsigned i = 0; i < turns; i++)
		CHECK(kern_core_step(1));
	CHECK_EQ(kern_trace_total(1), total);
	CHECK_EQ(kern_trace_total(0), 4);		 /* boot: still all there */
	CHECK_EQ(kern_trace_get(1, oldest - 1, &e), -1); /* overwritten */
	CHECK_EQ(kern_trace_get(1, 0, &e), -1);
	CHECK_EQ(kern_trace_get(1, total, &e), -1);
	/* seq 2k: dispatch of turn k at 1000 + 10k; 1 + 2k: its yield. */
	for (uint64_t seq = oldest; seq < total; seq++) {
		uint64_t k = seq / 2;

		CHECK_EQ(kern_trace_get(1, seq, &e), 0);
		CHECK_EQ(e.seq, seq);
		CHECK_EQ(e.core, 1);
		CHECK_EQ(e.shard, D);
		CHECK_EQ(e.event, seq % 2 ? KT_YIELD : KT_DISPATCH);
		CHECK_EQ(e.time, seq % 2 ? 1000 + 10 * (k + 1) : 1000 + 10 * k);
		CHECK_EQ(e.arg, seq % 2 ? TESS_YIELD_POLL : 0);
	}

	fake_out_clear();
	kern_trace_dump();
	out = fake_out();
	/* Core 0's boot events (time 0) first, then core 1's last 256. */
	CHECK_EQ(count_lines(out), 1 + 4 + TESS_TRACE_ENTRIES);
	CHECK(strncmp(out, "kern| trace: 404 events, last 260:\n", 35) == 0);
	CHECK(strstr(out, "kern| trace      0 t=0 core 0 a        boot       0x0\n") == out + 35);
	CHECK(strstr(out, "kern| trace    144 t=1720 core 1 d        dispatch   0x0\n") != NULL);
	last = out + strlen(out) - 1;
	while (last > out && last[-1] != '\n')
		last--;
	CHECK_STR(last, "kern| trace    399 t=3000 core 1 d        yield      0x1\n");
}

int main(void)
{
	boot_events();
	wraparound();
	return t_summary("test_kern_trace");
}
