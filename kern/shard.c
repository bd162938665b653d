/* The shard state machine (docs/design.md):
 *   init -> running <-> waiting, running -> faulted -> restarting -> running,
 *   faulted -> halted.
 * Only the owning core changes a shard's state; other cores only OR pending
 * bits and read the `waiting` flag (notify.c). */
#include <kern/lib.h>
#include <kern/priv.h>

struct kern_shard kern_shards[TESS_MAX_SHARDS];

static const char *const state_names[] = {"init", "running", "waiting", "faulted", "restarting", "halted"};

const char *kern_state_name(unsigned state)
{
	return state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[state] : "?";
}

void kern_set_state(struct kern_shard *s, enum kern_state st)
{
	atomic_store_explicit(&s->state, st, memory_order_relaxed);
}

enum kern_state kern_get_state(const struct kern_shard *s)
{
	return (enum kern_state)atomic_load_explicit(&s->state, memory_order_relaxed);
}

/* Sleep: publish `waiting` before the scheduler next reads `pending`
 * (both seq_cst). A notifier ORs `pending` and then reads `waiting`; so
 * either the scheduler sees the bit, or the notifier sees the flag and
 * wakes this core: no lost wakeup. */
void kern_shard_wait(struct kern_shard *s)
{
	atomic_store(&s->waiting, true);
	kern_set_state(s, KS_WAITING);
}

bool kern_runnable(struct kern_shard *s)
{
	switch (kern_get_state(s)) {
	case KS_INIT:
	case KS_RESTARTING:
		return true;
	case KS_RUNNING:
	case KS_WAITING:
		return s->poll || atomic_load(&s->pending) != 0;
	default:
		return false;
	}
}

/* A restart (or reload) forgets the pending set, so an IRQ delivered to
 * the earlier life and never acknowledged (TESS_SYS_IRQ_ACK) would stay
 * masked for good: unmask every granted IRQ. A device still asserting its
 * line interrupts the new life at once, which is what it is for (its init
 * quiesces the device first). */
static void unmask_irqs(const struct tess_shard_cfg *c)
{
	for (unsigned q = 0; q < c->nirqs; q++)
		plat_irq_unmask(c->irqs[q].irq);
}

/* (Re)start from the entry point: fresh context, empty pending set, control
 * page filled before the platform loads the image (the simulator's new
 * process may read it as soon as it exists). */
int kern_shard_start(struct kern_shard *s, uint32_t reason)
{
	return kern_shard_start_image(s, reason, 0, 0);
}

/* payload: a hot reload's new image (plat_shard_install), else the
 * committed image (plat_shard_load). */
int kern_shard_start_image(struct kern_shard *s, uint32_t reason, const void *payload, size_t len)
{
	const struct tess_shard_cfg *c = s->cfg;
	struct tess_ctrl *ctrl = s->ctrl;

	ctrl->magic = TESS_CTRL_MAGIC;
	ctrl->shard_id = c->id;
	ctrl->core = c->core;
	ctrl->start_reason = reason;
	ctrl->restarts = s->restarts_total;
	ctrl->version = s->version;
	atomic_store(&ctrl->chan_reset, 0);
	atomic_store(&s->pending, 0);
	atomic_store(&s->waiting, false);
	s->poll = false;
	s->in_syscall = false;
	if (reason != TESS_START_FIRST) {
		kern_chan_restarted(plat_core_id(), s);
		unmask_irqs(c);
	}
	if ((payload ? plat_shard_install(c, payload, len) : plat_shard_load(c)) != 0) {
		kern_log("shard %s: load failed", c->name);
		return -1;
	}
	arch_ctx_init(&s->ctx, c, c->entry, c->stack_top, reason);
	kern_set_state(s, reason == TESS_START_FIRST ? KS_INIT : KS_RESTARTING);
	return 0;
}

struct kern_shard *kern_shard_by_id(unsigned id)
{
	return kern_sys && id < kern_sys->nshards ? &kern_shards[id] : 0;
}

const struct tess_shard_cfg *kern_shard_cfg(const struct kern_shard *s)
{
	return s->cfg;
}
