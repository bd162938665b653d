/* The scheduler and the system call layer on one core: round robin in
 * manifest order, POLL vs WAIT, syscalls that do not end a turn, console
 * prefixing, bad calls, counters. */
#include <string.h>
#include <kern/priv.h>
#include "check.h"
#include "fake.h"
#include "sys4.h"

#define ERR (~0ull)

static void boot(void)
{
	fake_reset();
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_out_clear();
}

/* a polls twice then waits, b waits at once, c polls once then waits. */
static void round_robin(void)
{
	static const struct fake_step a[] = {YIELD_POLL, YIELD_POLL, YIELD_WAIT};
	static const struct fake_step b[] = {YIELD_WAIT};
	static const struct fake_step c[] = {YIELD_POLL, YIELD_WAIT};

	boot();
	fake_set_script(A, a, 3);
	fake_set_script(B, b, 1);
	fake_set_script(C, c, 2);
	for (unsigned i = 0; i < 6; i++)
		CHECK(kern_core_step(0));
	CHECK_STR(fake_runs, "abcaca");
	CHECK_EQ(fake_idles[0], 0);
	CHECK(!kern_core_step(0)); /* everyone waits */
	CHECK_EQ(fake_idles[0], 1);
	CHECK_STR(fake_runs, "abcaca");
	/* A POLL turn returns the (empty) pending set. */
	CHECK_EQ(fake_seen[A][0], ERR); /* first entry: no return value */
	CHECK_EQ(fake_seen[A][1], 0);
	CHECK_EQ(fake_seen[A][2], 0);
	CHECK_EQ(fake_seen[C][1], 0);
	CHECK_EQ(fake_stats(A).dispatches, 3);
	CHECK_EQ(fake_stats(A).yields, 3);
	CHECK_EQ(fake_stats(B).dispatches, 1);
	CHECK_EQ(fake_stats(A).state, KS_WAITING);
	CHECK_EQ(fake_stats(C).state, KS_WAITING);
	/* Core 1 is independent: d runs there. */
	CHECK(kern_core_step(1));
	CHECK_STR(fake_runs, "abcacad");
	CHECK(!kern_core_step(1));
	CHECK_EQ(fake_idles[1], 1);
}

/* The order comes from cores[].order, not from shard ids. */
static void manifest_order(void)
{
	static const uint16_t order[] = {C, A, B};
	static const struct fake_step poll[] = {YIELD_POLL, YIELD_POLL, YIELD_WAIT};

	fake_reset();
	sys4_reset();
	sys4_cores[0].order = order;
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_set_script(A, poll, 3);
	fake_set_script(B, poll, 3);
	fake_set_script(C, poll, 3);
	for (unsigned i = 0; i < 9; i++)
		CHECK(kern_core_step(0));
	CHECK_STR(fake_runs, "cabcabcab");
	CHECK(!kern_core_step(0));
}

/* NOTIFY, TIME and CONSOLE do not end the turn; YIELD does. b wakes with
 * a's bit as its YIELD result, once. */
static void syscalls_in_one_turn(void)
{
	static const struct fake_step a[] = {
		SYS(TESS_SYS_NOTIFY, 0),
		SYS(TESS_SYS_TIME, 0),
		{.trap = {.kind = TRAP_SYSCALL, .nr = TESS_SYS_TIME}, .advance_ns = 1234},
		YIELD_WAIT,
	};
	static const struct fake_step b[] = {YIELD_WAIT, YIELD_WAIT, YIELD_WAIT};

	boot();
	fake_now = 5000;
	fake_set_script(A, a, 4);
	fake_set_script(B, b, 3);
	CHECK(kern_core_step(0)); /* a: whole turn */
	CHECK_STR(fake_runs, "aaaa");
	CHECK_EQ(fake_seen[A][1], 0);	 /* NOTIFY ok */
	CHECK_EQ(fake_seen[A][2], 5000); /* TIME */
	CHECK_EQ(fake_seen[A][3], 6234); /* TIME after running 1234 ns */
	CHECK(kern_core_step(0));	 /* b: first start */
	CHECK(kern_core_step(0));	 /* c: first start */
	CHECK_STR(fake_runs, "aaaabc");
	CHECK(kern_core_step(0));
	CHECK_STR(fake_runs, "aaaabcb");
	CHECK_EQ(fake_seen[B][1], 1); /* the pending set: bit 0 (channel ab) */
	CHECK(!kern_core_step(0));    /* delivered once: nothing pending now */
	CHECK_EQ(fake_stats(A).syscalls, 4);
	CHECK_EQ(fake_stats(A).notify_sent, 1);
	CHECK_EQ(fake_stats(A).resumes, 4);
	CHECK_EQ(fake_stats(A).dispatches, 1);
	CHECK_EQ(fake_stats(B).notify_recv, 1);
	CHECK_EQ(fake_stats(B).dispatches, 2);
	CHECK_EQ(fake_ipis[0] + fake_ipis[1], 0); /* same core: no IPI */
}

static void console_lines(void)
{
	static const struct fake_step a[] = {SYS(TESS_SYS_CONSOLE, 0), YIELD_WAIT};
	static struct fake_step steps[2];
	const char *text = "hello\nworld\n\nlast";

	boot();
	memcpy(steps, a, sizeof(a));
	steps[0].trap.arg[0] = strlen(text);
	memcpy(fake_ctrl(A)->console, text, strlen(text));
	fake_set_script(A, steps, 2);
	CHECK(kern_core_step(0));
	CHECK_STR(fake_out(), "shard:a| hello\nshard:a| world\nshard:a| \nshard:a| last\n");
	CHECK_EQ(fake_seen[A][1], strlen(text));

	/* Bounded by the buffer; a NUL ends the text. */
	boot();
	memset(fake_ctrl(B)->console, 'x', TESS_CONSOLE_BUF);
	steps[0].trap.arg[0] = 100000;
	fake_set_script(B, steps, 2);
	fake_set_script(A, steps + 1, 1);
	CHECK(kern_core_step(0));
	CHECK(kern_core_step(0));
	CHECK_EQ(fake_seen[B][1], TESS_CONSOLE_BUF);
	{
		char want[TESS_CONSOLE_BUF + 16] = "shard:b| ";

		memset(want + 9, 'x', TESS_CONSOLE_BUF);
		strcpy(want + 9 + TESS_CONSOLE_BUF, "\n");
		CHECK_STR(fake_out(), want);
	}
	boot();
	strcpy(fake_ctrl(C)->console, "one\ntwo");
	steps[0].trap.arg[0] = 20;
	fake_set_script(C, steps, 2);
	CHECK(kern_core_step(0));
	CHECK(kern_core_step(0));
	CHECK(kern_core_step(0));
	CHECK_STR(fake_out(), "shard:c| one\nshard:c| two\n");
	CHECK_EQ(fake_seen[C][1], 7);

	/* Control bytes (CR included: it would let the text overwrite the
	 * prefix on a terminal) and non-ASCII become '?'; tab passes. */
	boot();
	memcpy(fake_ctrl(A)->console, "\x01x\ty\rz\x1b[1m\xff\x7f", 12);
	steps[0].trap.arg[0] = 12;
	fake_set_script(A, steps, 2);
	CHECK(kern_core_step(0));
	CHECK_STR(fake_out(), "shard:a| ?x\ty?z?[1m??\n");
}

/* Reload frames go out whole, bytes as given. */
static void reload_tx(void)
{
	fake_reset();
	kern_console_write("\0\001ab\0", 5);
	CHECK(memcmp(fake_out(), "\0\001ab\0", 5) == 0);
}

static void bad_calls(void)
{
	static const struct fake_step a[] = {
		SYS(99, 0),		 /* unknown number */
		SYS(TESS_SYS_COUNT, 0),	 /* first invalid number */
		SYS(TESS_SYS_NOTIFY, 1), /* a has one channel end */
		SYS(TESS_SYS_NOTIFY, 1ull << 40),
		SYS(TESS_SYS_IRQ_ACK, 2), /* not a's irq */
		SYS(TESS_SYS_YIELD, 7),	  /* bad mode: counted, sleeps */
	};
	static const struct fake_step b[] = {SYS(TESS_SYS_IRQ_ACK, 2), SYS(TESS_SYS_IRQ_ACK, 0), YIELD_WAIT};

	boot();
	fake_set_script(A, a, 6);
	fake_set_script(B, b, 3);
	CHECK(kern_core_step(0));
	for (unsigned i = 1; i <= 5; i++)
		CHECK_EQ(fake_seen[A][i], ERR);
	CHECK_EQ(fake_stats(A).bad_syscalls, 6);
	CHECK_EQ(fake_stats(A).syscalls, 6);
	CHECK_EQ(fake_stats(A).notify_sent, 0);
	CHECK_EQ(fake_stats(A).state, KS_WAITING);
	CHECK_EQ(fake_stats(B).notify_recv, 0);
	CHECK(kern_core_step(0));
	CHECK_EQ(fake_seen[B][1], 0);	/* irq bit 2: unmasked */
	CHECK_EQ(fake_seen[B][2], ERR); /* bit 0 is a channel, not an irq */
	CHECK_EQ(fake_nunmasked, 1);
	CHECK_EQ(fake_unmasked[0], SYS4_IRQ);
	CHECK_EQ(fake_stats(B).bad_syscalls, 1);
	CHECK(kern_core_step(0)); /* c */
	CHECK(!kern_core_step(0));
}

/* Context of the first start and of the control page. */
static void contexts(void)
{
	struct kern_shard *s;

	boot();
	s = kern_shard_by_id(B);
	CHECK_EQ(s->ctx.entry, sys4_shards[B].entry);
	CHECK_EQ(s->ctx.sp, sys4_shards[B].stack_top);
	CHECK_EQ(s->ctx.arg0, TESS_START_FIRST);
	CHECK_EQ(s->ctx.starts, 1);
}

/* kern_stats_print: one row per shard, one line per channel (fill from
 * the ring's head at +64 and tail at +128). */
static void stats_table(void)
{
	static const struct fake_step a[] = {SYS(TESS_SYS_NOTIFY, 0), SYS(77, 0), YIELD_POLL};
	static const struct fake_step c[] = {FAULT(FAULT_WRITE, 0x20, 0x400008, 0)};
	unsigned char *ab = plat_pa_to_kva(FAKE_CHAN_PA(0));

	boot();
	fake_set_script(A, a, 3);
	fake_set_script(C, c, 1);
	for (unsigned i = 0; i < 3; i++)
		CHECK(kern_core_step(0));
	*(uint32_t *)(ab + 64) = 7;  /* head */
	*(uint32_t *)(ab + 128) = 5; /* tail */
	fake_out_clear();
	kern_stats_print();
	CHECK_STR(fake_out(), "kern| shard        core state         turns   yields     sent     recv   irqs "
			      "syscalls   bad faults "
			      "hangs restarts  last fault\n"
			      "kern| a               0 running           1        1        1        0      0 "
			      "       3     1      0 "
			      "    0        0  -\n"
			      "kern| b               0 waiting           1        1        0        1      0 "
			      "       1     0      0 "
			      "    0        0  -\n"
			      "kern| c               0 restarting        1        0        0        0      0 "
			      "       0     0      1 "
			      "    0        1  write at 0x20 pc 0x400008\n"
			      "kern| d               1 init              0        0        0        0      0 "
			      "       0     0      0 "
			      "    0        0  -\n"
			      "kern| channel ab (a -> b): 7 sent, 5 received, 2 in flight of 8 slots\n"
			      "kern| channel bd (b -> d): 0 sent, 0 received, 0 in flight of 8 slots\n");
}

int main(void)
{
	round_robin();
	manifest_order();
	syscalls_in_one_turn();
	console_lines();
	bad_calls();
	contexts();
	stats_table();
	reload_tx();
	return t_summary("test_kern_sched");
}
