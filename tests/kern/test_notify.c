/* Notifications across cores: peer bits, IPIs only to sleeping peers on
 * other cores, the lost-wakeup windows, device IRQ routing. */
#include "check.h"
#include "fake.h"
#include "sys4.h"

static void boot(void)
{
	fake_reset();
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_out_clear();
}

/* b (core 0) notifies d (core 1) through channel bd; d sleeps, so core 1
 * gets an IPI; d's YIELD returns d's bit for bd (0). Then back: d
 * notifies its consumer end, which sets b's bit 1. */
static void cross_core(void)
{
	static const struct fake_step b[] = {SYS(TESS_SYS_NOTIFY, 1), YIELD_WAIT, YIELD_WAIT};
	static const struct fake_step d[] = {YIELD_WAIT, SYS(TESS_SYS_NOTIFY, 0), YIELD_WAIT};
	static const struct fake_step none[] = {YIELD_WAIT};

	boot();
	fake_set_script(A, none, 1);
	fake_set_script(B, b, 3);
	fake_set_script(C, none, 1);
	fake_set_script(D, d, 3);
	CHECK(kern_core_step(1)); /* d starts and sleeps */
	CHECK(!kern_core_step(1));
	CHECK(kern_core_step(0)); /* a */
	CHECK(kern_core_step(0)); /* b notifies d */
	CHECK_EQ(fake_ipis[1], 1);
	CHECK_EQ(fake_ipis[0], 0);
	CHECK(kern_core_step(1)); /* d woken */
	CHECK_EQ(fake_seen[D][1], 1);
	CHECK_EQ(fake_ipis[0], 1); /* b sleeps on core 0 */
	CHECK(kern_core_step(0));  /* c */
	CHECK(kern_core_step(0));  /* b: bit 1 */
	CHECK_EQ(fake_seen[B][2], 2);
	CHECK(!kern_core_step(0));
	CHECK(!kern_core_step(1));
	CHECK_STR(fake_runs, "dabbddcb");
	CHECK_EQ(fake_stats(B).notify_sent, 1);
	CHECK_EQ(fake_stats(B).notify_recv, 1);
	CHECK_EQ(fake_stats(D).notify_sent, 1);
	CHECK_EQ(fake_stats(D).notify_recv, 1);
}

/* A peer that polls (does not sleep) gets its bit in its next POLL turn,
 * with no IPI. Bits accumulate: two notifies, one delivery. */
static void no_ipi_when_awake(void)
{
	static const struct fake_step b[] = {SYS(TESS_SYS_NOTIFY, 1), SYS(TESS_SYS_NOTIFY, 1), YIELD_WAIT};
	static const struct fake_step d[] = {YIELD_POLL, YIELD_POLL, YIELD_WAIT};

	boot();
	fake_set_script(B, b, 3);
	fake_set_script(D, d, 3);
	CHECK(kern_core_step(1)); /* d polls */
	CHECK(kern_core_step(0)); /* a */
	CHECK(kern_core_step(0)); /* b notifies twice */
	CHECK_EQ(fake_ipis[1], 0);
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_seen[D][1], 1);
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_seen[D][2], 0);
	CHECK_EQ(fake_stats(D).notify_recv, 2);
}

/* Window 1: the notification lands while d is still running, before its
 * WAIT yield. No IPI is needed (d is not asleep), and the scan after the
 * yield must find the bit: d runs again instead of the core idling. */
static void b_notifies(unsigned id, struct arch_ctx *ctx)
{
	(void)id;
	(void)ctx;
	fake_core = 0;
	CHECK(kern_core_step(0)); /* a */
	CHECK(kern_core_step(0)); /* b: NOTIFY d, acting as the other core */
	fake_core = 1;
}

static void wakeup_before_sleep(void)
{
	static const struct fake_step b[] = {SYS(TESS_SYS_NOTIFY, 1), YIELD_WAIT};
	static const struct fake_step d[] = {
		{.trap = {.kind = TRAP_SYSCALL, .nr = TESS_SYS_YIELD}, .hook = b_notifies}, YIELD_WAIT};

	boot();
	fake_set_script(B, b, 2);
	fake_set_script(D, d, 2);
	CHECK(kern_core_step(1)); /* d: b notifies meanwhile; d yields WAIT */
	CHECK_EQ(fake_ipis[1], 0);
	CHECK(kern_core_step(1)); /* not idle: d runs with its bit */
	CHECK_EQ(fake_idles[1], 0);
	CHECK_EQ(fake_seen[D][1], 1);
}

/* Window 2: core 1 scanned, found nothing, and is about to sleep when the
 * notification lands. d's `waiting` is already published, so the
 * notifier must send the IPI that makes plat_idle return. */
static void notify_in_idle(unsigned core)
{
	if (core != 1)
		return;
	fake_idle_hook = NULL;
	fake_core = 0;
	CHECK(kern_core_step(0)); /* a */
	CHECK(kern_core_step(0)); /* b notifies */
	fake_core = 1;
}

static void wakeup_while_idling(void)
{
	static const struct fake_step b[] = {SYS(TESS_SYS_NOTIFY, 1), YIELD_WAIT};

	boot();
	fake_set_script(B, b, 2);
	CHECK(kern_core_step(1)); /* d sleeps */
	fake_idle_hook = notify_in_idle;
	CHECK(!kern_core_step(1));
	CHECK_EQ(fake_ipis[1], 1);
	CHECK(kern_core_step(1));
	CHECK_EQ(fake_seen[D][1], 1);
}

/* Device IRQs: routed to the grantee's pending set (bit from irqs[]); its
 * core is woken if it is another one. From a TRAP_IRQ the running shard
 * resumes at once. */
static void irqs(void)
{
	static const struct fake_step d[] = {
		YIELD_WAIT, {.trap = {.kind = TRAP_IRQ, .irq = SYS4_IRQ}}, YIELD_WAIT};
	static const struct fake_step b[] = {YIELD_WAIT, SYS(TESS_SYS_IRQ_ACK, 2), YIELD_WAIT};

	boot();
	fake_set_script(B, b, 3);
	fake_set_script(D, d, 3);
	for (unsigned i = 0; i < 3; i++)
		CHECK(kern_core_step(0)); /* a b c sleep */
	CHECK(kern_core_step(1));	  /* d sleeps */
	kern_irq(0, SYS4_IRQ);		  /* arrives on b's own core while idle */
	CHECK_EQ(fake_ipis[0], 0);
	CHECK(kern_core_step(0));
	CHECK_EQ(fake_seen[B][1], 1u << 2);
	CHECK_EQ(fake_nunmasked, 1);
	CHECK_EQ(fake_stats(B).irqs, 1);

	CHECK_EQ(fake_seen[B][2], 0);	       /* IRQ_ACK's result */
	CHECK_EQ(fake_stats(B).dispatches, 2); /* ...in the same turn */

	kern_irq(1, 5); /* not granted */
	CHECK_STR(fake_out(), "kern| irq 5: not granted to any shard, left masked\n");
	CHECK_EQ(fake_ipis[0], 0);
	/* From core 1 while b sleeps on core 0: IPI to core 0. */
	kern_irq(1, SYS4_IRQ);
	CHECK_EQ(fake_ipis[0], 1);
	CHECK_EQ(fake_stats(B).irqs, 2);
	CHECK(kern_core_step(0)); /* b gets the second irq */
	CHECK_EQ(fake_seen[B][3], 1u << 2);
	CHECK_EQ(fake_stats(B).notify_recv, 2);
}

static void irq_trap(void)
{
	static const struct fake_step d[] = {{.trap = {.kind = TRAP_IRQ, .irq = SYS4_IRQ}}, YIELD_WAIT};

	boot();
	fake_set_script(D, d, 2);
	for (unsigned i = 0; i < 3; i++)
		CHECK(kern_core_step(0)); /* a b c sleep */
	CHECK(kern_core_step(1));	  /* d: irq trap, then its yield in the same turn */
	CHECK_STR(fake_runs, "abcdd");
	CHECK_EQ(fake_ipis[0], 1);
	CHECK_EQ(fake_stats(B).irqs, 1);
	CHECK_EQ(fake_stats(D).dispatches, 1);
	CHECK(kern_core_step(0));
	CHECK_EQ(fake_seen[B][1], 1u << 2);
}

/* b takes its IRQ and faults before acknowledging it: the line would stay
 * masked, and the restart forgets the pending bit, so the kernel unmasks
 * b's IRQs as it restarts it (kern/shard.c), and the next IRQ gets
 * through. */
static void irq_unmasked_on_restart(void)
{
	static const struct fake_step b[] = {YIELD_WAIT, FAULT(FAULT_WRITE, 0x8, 0x400000, 0)};

	boot();
	fake_set_script(B, b, 2);
	for (unsigned i = 0; i < 3; i++)
		CHECK(kern_core_step(0)); /* a b c sleep */
	kern_irq(0, SYS4_IRQ);
	CHECK(kern_core_step(0)); /* b: the IRQ, then the fault: restarted */
	CHECK_EQ(fake_stats(B).restarts, 1);
	CHECK_EQ(fake_nunmasked, 1);
	CHECK_EQ(fake_unmasked[0], SYS4_IRQ);
	CHECK(kern_core_step(0)); /* the new b sleeps */
	kern_irq(0, SYS4_IRQ);
	CHECK(kern_core_step(0));
	CHECK_EQ(fake_stats(B).irqs, 2);
}

int main(void)
{
	cross_core();
	no_ipi_when_awake();
	wakeup_before_sleep();
	wakeup_while_idling();
	irqs();
	irq_trap();
	irq_unmasked_on_restart();
	return t_summary("test_kern_notify");
}
