/* Two cores as two threads, b (core 0) and d (core 1) ping-ponging over
 * channel bd for ROUNDS round trips, sleeping (YIELD WAIT) between: a lost
 * wakeup would leave both asleep for ever (ctest's timeout then fails the
 * test). plat_idle blocks on a semaphore that plat_ipi posts. Run twice:
 * with a and c asleep (core 0 idles, IPIs matter), and with a polling
 * (core 0 never idles, its scan must find b's bits). */
#include <pthread.h>
#include "check.h"
#include "fake.h"
#include "sys4.h"

#define ROUNDS 20000

static _Atomic int done;
static _Atomic unsigned bad_wakes;
static unsigned b_rounds, d_rounds; /* each touched by its own core only */
static int b_started, b_notified, d_started, d_notified;
static unsigned a_turns;

static void syscall_trap(struct trap *t, uint64_t nr, uint64_t a0)
{
	*t = (struct trap){.kind = TRAP_SYSCALL, .nr = nr, .arg = {a0}};
}

/* b: notify d, sleep; on each wake (bit 1 = channel bd's producer end)
 * count a round trip and notify again, until ROUNDS. */
static void b_run(unsigned id, struct arch_ctx *ctx, struct trap *t)
{
	(void)id;
	if (b_notified) {
		b_notified = 0;
		syscall_trap(t, TESS_SYS_YIELD, TESS_YIELD_WAIT);
		return;
	}
	if (b_started) {
		if (ctx->ret != 1u << 1)
			bad_wakes++;
		if (++b_rounds == ROUNDS) {
			done = 1;
			syscall_trap(t, TESS_SYS_YIELD, TESS_YIELD_WAIT);
			return;
		}
	}
	b_started = b_notified = 1;
	syscall_trap(t, TESS_SYS_NOTIFY, 1);
}

/* d: sleep; on each wake (bit 0 = its consumer end) notify b back. */
static void d_run(unsigned id, struct arch_ctx *ctx, struct trap *t)
{
	(void)id;
	if (d_notified || !d_started) {
		d_started = 1;
		d_notified = 0;
		syscall_trap(t, TESS_SYS_YIELD, TESS_YIELD_WAIT);
		return;
	}
	if (ctx->ret != 1u << 0)
		bad_wakes++;
	d_rounds++;
	d_notified = 1;
	syscall_trap(t, TESS_SYS_NOTIFY, 0);
}

static void a_polls(unsigned id, struct arch_ctx *ctx, struct trap *t)
{
	(void)id;
	(void)ctx;
	a_turns++;
	syscall_trap(t, TESS_SYS_YIELD, TESS_YIELD_POLL);
}

static void *core_thread(void *arg)
{
	unsigned core = (unsigned)(uintptr_t)arg;

	while (!done)
		kern_core_step(core);
	return NULL;
}

static void ping_pong(int a_polling)
{
	pthread_t th[2];

	fake_reset();
	sys4_reset();
	done = 0;
	bad_wakes = 0;
	b_rounds = d_rounds = a_turns = 0;
	b_started = b_notified = d_started = d_notified = 0;
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_run_fn[B] = b_run;
	fake_run_fn[D] = d_run;
	if (a_polling)
		fake_run_fn[A] = a_polls;
	fake_threaded = 1;
	for (uintptr_t c = 0; c < 2; c++)
		pthread_create(&th[c], NULL, core_thread, (void *)c);
	pthread_join(th[0], NULL);
	plat_ipi(1); /* let core 1 see `done` */
	pthread_join(th[1], NULL);
	fake_threaded = 0;

	CHECK_EQ(b_rounds, ROUNDS);
	CHECK_EQ(bad_wakes, 0);
	CHECK_EQ(fake_stats(B).notify_sent, ROUNDS);
	CHECK_EQ(fake_stats(D).notify_recv, ROUNDS);
	CHECK_EQ(fake_stats(D).notify_sent, d_rounds);
	CHECK_EQ(fake_stats(B).notify_recv, d_rounds);
	CHECK(d_rounds == ROUNDS);
	CHECK_EQ(fake_stats(B).dispatches, ROUNDS + 1);
	CHECK_EQ(fake_stats(D).dispatches, ROUNDS + 1);
	if (a_polling) {
		CHECK(a_turns >= ROUNDS); /* a had a turn between any two of b's */
		CHECK_EQ(fake_idles[0], 0);
	}
}

int main(void)
{
	ping_pong(0);
	ping_pong(1);
	return t_summary("test_kern_smp");
}
