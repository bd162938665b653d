/* Small services of shard.h: thin wrappers over system calls and tess_self. */
#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "rt.h"

uint64_t tess_time_ns(void)
{
	return tess_syscall(TESS_SYS_TIME, 0, 0, 0, 0);
}

void tess_irq_ack(unsigned bit)
{
	tess_syscall(TESS_SYS_IRQ_ACK, bit, 0, 0, 0);
}

const char *tess_name(void)
{
	return tess_self.name;
}

/* The calling lane's control page (its console buffer, chan_reset bits). */
struct tess_ctrl *tess_ctrl(void)
{
	if (tess_self.nlanes > 1 && tess_self.lanes)
		return (struct tess_ctrl *)(uintptr_t)tess_self.lanes[rt_lane()].ctrl_va;
	return (struct tess_ctrl *)(uintptr_t)tess_self.ctrl_va;
}

void *tess_persistent(size_t *size)
{
	if (size)
		*size = (size_t)tess_self.persist_size;
	if (tess_self.persist_size == 0)
		return NULL;
	return (void *)(uintptr_t)tess_self.persist_va;
}
