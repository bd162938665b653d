/* The arch_* hooks: a "context switch" hands the mailbox turn to the shard
 * process and waits for it to come back (system call or fault) or for the
 * core's tick (so kern/'s watchdog runs while a shard computes). During the
 * wait the shard may hold a yield lease (lease.c). A device access the
 * shard posts is served here (mmio.c) and the shard resumed, without a
 * trap to kern/; a device IRQ for this core (irq.c) is a TRAP_IRQ while
 * the shard keeps the turn. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <tessera/abi.h>
#include <sim/futex.h>
#include <sim/probe.h>
#include "sim.h"

void arch_ctx_init(struct arch_ctx *ctx, const struct tess_shard_cfg *cfg, uint64_t entry, uint64_t sp,
		   uint64_t arg0)
{
	/* entry and sp belong to the shard process: main() is its entry. */
	(void)cfg, (void)entry, (void)sp;
	memset(ctx, 0, sizeof *ctx);
	ctx->arg0 = arg0;
	ctx->fresh = 1;
}

void arch_ctx_set_ret(struct arch_ctx *ctx, uint64_t val)
{
	ctx->ret = val;
}

/* The shard process maps its own shared objects at the planned VAs;
 * private memory is the process's own and isolation is the process
 * boundary, so there are no tables to build. */
int arch_aspace_build(const struct tess_shard_cfg *cfg)
{
	(void)cfg;
	return 0;
}

static void give_turn(struct sim_mailbox *mb, uint64_t val)
{
	mb->ret = val;
	atomic_store_explicit(&mb->turn, SIM_TURN_SHARD, memory_order_release);
	sim_futex_wake(&mb->turn);
}

static void take_post(struct sim_shard *sh, const struct sim_mailbox *mb, struct arch_ctx *ctx,
		      struct trap *t)
{
	ctx->crash_valid = 0;
	if (mb->post == SIM_POST_SYSCALL) {
		t->kind = TRAP_SYSCALL;
		t->nr = mb->nr;
		memcpy(t->arg, mb->arg, sizeof t->arg);
		ctx->in_call = 1;
		ctx->ret = 0;
		if (t->nr == TESS_SYS_YIELD)
			sim_probe_yield(sh->cfg, sim_now());
		return;
	}
	t->kind = TRAP_FAULT;
	t->fault = mb->post == SIM_POST_FAULT ? FAULT_SIGNAL : FAULT_OTHER;
	t->code = mb->signo;
	t->addr = mb->addr;
	t->pc = mb->pc;
	/* The shard runs on its planned stack with the planned guard page
	 * below it (sim/shard/start.c), as on the targets. */
	if (t->fault == FAULT_SIGNAL && t->code == SIGSEGV && kern_stack_guard_hit(sh->cfg, t->addr))
		t->fault = FAULT_STACK;
	/* The process may still write its mailbox: the kernel reads a copy. */
	memcpy(&ctx->crash, &mb->crash, sizeof ctx->crash);
	ctx->crash_valid = mb->post == SIM_POST_FAULT;
}

/* kern/crash.c: what the shard's handler reported (nothing if it died
 * without posting), bounded by our own sizes. */
void arch_crash(const struct kern_shard *s, const struct arch_ctx *ctx, struct arch_crash *out)
{
	const struct sim_crash *c = &ctx->crash;

	(void)s;
	if (!ctx->crash_valid)
		return;
	out->nregs = c->nregs < SIM_CRASH_REGS ? c->nregs : SIM_CRASH_REGS;
	memcpy(out->regs, c->regs, out->nregs * sizeof c->regs[0]);
	out->sp = c->sp;
	out->fp = c->fp;
	out->prev_off = c->prev_off == 0 || c->prev_off == -16 ? c->prev_off : 0;
	out->ra_off = c->ra_off == 8 || c->ra_off == -8 ? c->ra_off : 8;
	out->base = c->base;
	out->stack = c->stack;
	out->stack_va = c->stack_va;
	out->stack_len = c->stack_len < SIM_CRASH_STACK ? c->stack_len : SIM_CRASH_STACK;
}

/* A simulated shard's stack is its process's own anonymous memory (sim/shard/
 * start.c): no kernel view, so no high-water mark. */
uint8_t *plat_shard_stack(const struct tess_shard_cfg *cfg, uint64_t *va, uint64_t *len)
{
	(void)cfg;
	*va = *len = 0;
	return NULL;
}

/* The process died without posting (SIGKILL, abort, sanitizer exit)? */
static int died(struct sim_shard *sh, struct trap *t)
{
	int st = 0;

	if (sh->pid > 0 && waitpid(sh->pid, &st, WNOHANG) != sh->pid)
		return 0;
	sh->pid = 0;
	t->kind = TRAP_FAULT;
	t->fault = FAULT_OTHER;
	if (WIFSIGNALED(st)) {
		t->fault = FAULT_SIGNAL;
		t->code = (uint64_t)WTERMSIG(st);
	} else if (WIFEXITED(st)) {
		t->code = (uint64_t)WEXITSTATUS(st);
	}
	return 1;
}

/* A lane of a multi-core shard is a thread of its process with a mailbox
 * of its own; lane 0 owns the process's lifecycle here (a (re)start of the
 * shard is kern/'s, on whichever core stops its last lane, see kern/lane.c):
 * the other lanes' first turn needs no spawn, and a process that died is
 * found by lane 0, or by the watchdog of a lane still waiting on it. */
void arch_shard_run(struct kern_shard *s, struct arch_ctx *ctx, struct trap *t)
{
	const struct tess_shard_cfg *cfg = kern_shard_cfg(s);
	struct sim_shard *sh = &sim_shards[cfg->id];
	unsigned lane = kern_shard_lane(s);
	struct sim_mailbox *mb = sim_lane_mailbox(sh->mb, lane);
	unsigned core = plat_core_id();

	sim_park_if_stopping();
	memset(t, 0, sizeof *t);
	if (lane == 0 && ctx->fresh && (sh->turned || sh->pid <= 0) && plat_shard_load(cfg) != 0) {
		t->kind = TRAP_FAULT;
		t->fault = FAULT_OTHER;
		return;
	}
	if (ctx->fresh) {
		ctx->fresh = 0;
		if (lane == 0)
			sh->turned = true;
		sim_probe_entry(cfg, sim_now());
		give_turn(mb, ctx->arg0);
	} else if (ctx->in_call) {
		ctx->in_call = 0;
		sim_probe_entry(cfg, sim_now()); /* if it yielded */
		give_turn(mb, ctx->ret);
	} /* else: back from a tick, the shard still holds the turn */
	sim_lease_offer(core, mb);
	for (;;) {
		uint64_t from = sim_now(), val;

		if (sim_irq_take(core, &t->irq)) {
			sim_lease_return(core);
			t->kind = TRAP_IRQ;
			return;
		}
		sim_core_wait(core, &mb->turn, SIM_TURN_SHARD);
		if (atomic_load_explicit(&mb->turn, memory_order_acquire) == SIM_TURN_KERNEL) {
			if (mb->post != SIM_POST_MMIO) {
				sim_lease_return(core);
				take_post(sh, mb, ctx, t);
				return;
			}
			if (!sim_mmio_serve(cfg, mb, &val, t)) {
				sim_lease_return(core);
				return; /* the shard's fault; it waits to be stopped */
			}
			give_turn(mb, val); /* and the tick still counts */
		}
		sim_park_if_stopping();
		if (sim_tick_due(core, from)) {
			sim_lease_return(core);
			if (lane != 0 || !died(sh, t))
				t->kind = TRAP_TICK;
			return;
		}
	}
}
