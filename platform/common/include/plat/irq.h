/* What an interrupt taken while a shard ran means for kern/, shared by the
 * target platforms' arch_shard_run (kern/include/kern/arch.h, struct
 * trap): the tick (the watchdog's chance), a granted device IRQ, or
 * nothing kern/ needs to see. */
#ifndef PLAT_IRQ_H
#define PLAT_IRQ_H

#include <stdbool.h>
#include <stdint.h>
#include <kern/arch.h>

/* What a platform's interrupt drain found, most important first: a
 * device IRQ (its number alongside), else the tick, else nothing. */
enum plat_irq { PLAT_IRQ_NONE, PLAT_IRQ_TICK, PLAT_IRQ_DEVICE };

/* Describe `what` in *t and return true, or return false for
 * PLAT_IRQ_NONE (a wake-up IPI or a spurious interrupt: the shard goes
 * on). `irq` is read only for a device IRQ; `pc` is where the shard was. */
static inline bool plat_irq_trap(enum plat_irq what, const uint32_t *irq, uint64_t pc, struct trap *t)
{
	if (what == PLAT_IRQ_NONE)
		return false;
	*t = (struct trap){.kind = what == PLAT_IRQ_TICK ? TRAP_TICK : TRAP_IRQ, .pc = pc};
	if (what == PLAT_IRQ_DEVICE)
		t->irq = *irq;
	return true;
}

#endif
