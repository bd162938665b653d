/* Two cores as two threads, b (core 0) and d (core 1) ping-ponging over
 * channel bd for ROUNDS round trips, sleeping (YIELD WAIT) between: a lost
 * wakeup would leave both asleep for ever (ctest's timeout then fails the
 * test). plat_idle blocks on a semaphore that plat_ipi posts. */
#include <pthread.h>
#include "check.h"
#include "fake.h"
#include "sys4.h"

#define ROUNDS 20000

static _Atomic int done;
static _Atomic unsigned bad_wakes;
static unsigned b_rounds, d_rounds; /* each touched by its own core only */

static void syscall_trap(struct trap *t, uint64_t nr, uint64_t a0)
{
	*t = (struct trap){.kind = TRAP_SYSCALL, .nr = nr, .arg = {a0}};
}

/* b: notify d, sleep; on each wake (bit 1 = channel bd's producer end)
 * count a round trip and notify again, until ROUNDS. */
static void b_run(unsigned id, struct arch_ctx *ctx, struct trap *t)
{
	static int started, notified;

	(void)id;
	if (notified) {
		notified = 0;
		syscall_trap(t, TESS_SYS_YIELD, TESS_YIELD_WAIT);
		return;
	}
	if (started) {
		if (ctx->ret != 1u << 1)
			bad_wakes++;
		if (++b_rounds == ROUNDS) {
			done = 1;
			syscall_trap(t, TESS_SYS_YIELD, TESS_YIELD_WAIT);
			return;
		}
	}
	started = notified = 1;
	syscall_trap(t, TESS_SYS_NOTIFY, 1);
}

/* d: sleep; on each wake (bit 0 = its consumer end) notify b back. */
static void d_run(unsigned id, struct arch_ctx *ctx, struct trap *t)
{
	static int started, notified;

	(void)id;
	if (notified || !started) {
		started = 1;
		notified = 0;
		syscall_trap(t, TESS_SYS_YIELD, TESS_YIELD_WAIT);
		return;
	}
	if (ctx->ret != 1u << 0)
		bad_wakes++;
	d_rounds++;
	notified = 1;
	syscall_trap(t, TESS_SYS_NOTIFY, 0);
}

static void *core_thread(void *arg)
{
	unsigned core = (unsigned)(uintptr_t)arg;

	while (!done)
		kern_core_step(core);
	return NULL;
}

int main(void)
{
	pthread_t th[2];

	fake_reset();
	sys4_reset();
	CHECK_EQ(kern_boot_cfg(&sys4), 0);
	fake_run_fn[B] = b_run;
	fake_run_fn[D] = d_run;
	fake_threaded = 1;
	for (uintptr_t c = 0; c < 2; c++)
		pthread_create(&th[c], NULL, core_thread, (void *)c);
	pthread_join(th[0], NULL);
	plat_ipi(1); /* let core 1 see `done` */
	pthread_join(th[1], NULL);

	CHECK_EQ(b_rounds, ROUNDS);
	CHECK_EQ(bad_wakes, 0);
	CHECK_EQ(fake_stats(B).notify_sent, ROUNDS);
	CHECK_EQ(fake_stats(D).notify_recv, ROUNDS);
	CHECK_EQ(fake_stats(D).notify_sent, d_rounds);
	CHECK_EQ(fake_stats(B).notify_recv, d_rounds);
	CHECK(d_rounds == ROUNDS);
	CHECK_EQ(fake_stats(B).dispatches, ROUNDS + 1);
	CHECK_EQ(fake_stats(D).dispatches, ROUNDS + 1);
	return t_summary("test_kern_smp");
}
