/* Device interrupt lines, as a target's interrupt controller handles a
 * granted level-sensitive SPI: routed to the core of the shard it is
 * granted to, unmasked at boot, masked when delivered (the shard acks with
 * TESS_SYS_IRQ_ACK -> plat_irq_unmask), delivered again on unmask while
 * the device still holds the line high. A device on any thread sets its
 * line; the owner's core takes it at its next hook: plat_idle, or
 * arch_shard_run's wait (TRAP_IRQ), which ends at the running shard's next
 * trap or the core's tick. Taking it there rather than at once changes
 * nothing a shard can see: kern_irq only sets the owner's pending bit,
 * and on a cooperative core the owner runs after the running shard yields
 * (a trap) anyway. A line granted to no shard is never delivered, as an
 * unrouted SPI stays disabled. */
#include <pthread.h>
#include <kern/arch.h>
#include "dev/dev.h"
#include "sim.h"

#define MAX_LINES 16

struct line {
	uint32_t irq;
	int core; /* the owner's core, -1: granted to no shard */
	bool level, masked, pending;
};

static struct line lines[MAX_LINES];
static unsigned nlines;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Before the cores start. */
int sim_irq_line(uint32_t irq)
{
	struct line *l;

	if (nlines == MAX_LINES)
		return -1;
	l = &lines[nlines];
	l->irq = irq;
	l->core = -1;
	for (unsigned i = 0; i < tess_system.nshards; i++)
		for (unsigned q = 0; q < tess_system.shards[i].nirqs; q++)
			if (tess_system.shards[i].irqs[q].irq == irq)
				l->core = tess_system.shards[i].core;
	return (int)nlines++;
}

/* Lock held: pend the line for its core if it should fire; true if the
 * core must be woken. */
static bool pend(struct line *l)
{
	if (l->core < 0 || !l->level || l->masked || l->pending)
		return false;
	l->pending = true;
	return true;
}

void sim_irq_set(int line, bool level)
{
	struct line *l;
	bool wake;

	if (line < 0 || (unsigned)line >= nlines)
		return;
	l = &lines[line];
	pthread_mutex_lock(&lock);
	l->level = level;
	wake = pend(l);
	pthread_mutex_unlock(&lock);
	if (wake)
		plat_ipi((unsigned)l->core);
}

bool sim_irq_take(unsigned core, uint32_t *irq)
{
	bool got = false;

	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < nlines && !got; i++) {
		struct line *l = &lines[i];

		if (l->pending && l->core == (int)core) {
			l->pending = false;
			l->masked = true;
			*irq = l->irq;
			got = true;
		}
	}
	pthread_mutex_unlock(&lock);
	return got;
}

/* From kern/'s TESS_SYS_IRQ_ACK, on the owner's core. */
void plat_irq_unmask(uint32_t irq)
{
	int core = -1;

	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < nlines; i++) {
		if (lines[i].irq != irq)
			continue;
		lines[i].masked = false;
		if (pend(&lines[i]))
			core = lines[i].core;
	}
	pthread_mutex_unlock(&lock);
	if (core >= 0)
		plat_ipi((unsigned)core);
}
