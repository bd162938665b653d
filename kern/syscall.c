/* The system call layer (tessera/abi.h). Every call but YIELD returns to
 * the same shard at once; YIELD ends the turn and its result (the pending
 * set) is delivered when the shard is next dispatched (sched.c). */
#include <kern/priv.h>

#define SYS_ERR ((uint64_t)-1)

static void bad_call(unsigned core, struct kern_shard *s, uint64_t nr)
{
	cnt_inc(&s->n.bad_syscalls);
	kern_trace(core, s->cfg->id, KT_BADSYS, nr);
}

static bool yield(unsigned core, struct kern_shard *s, uint64_t mode)
{
	if (mode > TESS_YIELD_POLL) /* still a yield: treated as WAIT */
		bad_call(core, s, TESS_SYS_YIELD);
	cnt_inc(&s->n.yields);
	kern_trace(core, s->cfg->id, KT_YIELD, mode);
	reload_swap_yield(core, s);
	kern_lanes_entered(core, s);
	s->poll = mode == TESS_YIELD_POLL;
	if (s->poll)
		kern_set_state(s, KS_RUNNING);
	else
		kern_shard_wait(s);
	return true;
}

/* a0: local event bit of a granted IRQ. */
static uint64_t irq_ack(struct kern_shard *s, uint64_t bit)
{
	for (unsigned i = 0; i < s->cfg->nirqs; i++) {
		if (s->cfg->irqs[i].bit == bit) {
			plat_irq_unmask(s->cfg->irqs[i].irq);
			return 0;
		}
	}
	return SYS_ERR;
}

bool kern_syscall(unsigned core, struct kern_shard *s, const struct trap *t)
{
	uint64_t ret;

	cnt_inc(&s->n.syscalls);
	switch (t->nr) {
	case TESS_SYS_YIELD:
		return yield(core, s, t->arg[0]);
	case TESS_SYS_NOTIFY:
		ret = kern_notify(core, s, t->arg[0]) == 0 ? 0 : SYS_ERR;
		break;
	case TESS_SYS_CONSOLE:
		ret = kern_console(s, t->arg[0]);
		break;
	case TESS_SYS_TIME:
		ret = plat_time_ns();
		break;
	case TESS_SYS_IRQ_ACK:
		ret = irq_ack(s, t->arg[0]);
		break;
	case TESS_SYS_CHAN_STOP:
		ret = kern_chan_stop(core, s, t->arg[0], t->arg[1], t->arg[2]) == 0 ? 0 : SYS_ERR;
		break;
	default:
		ret = SYS_ERR;
		break;
	}
	if (ret == SYS_ERR)
		bad_call(core, s, t->nr);
	arch_ctx_set_ret(&s->ctx, ret);
	return false;
}
