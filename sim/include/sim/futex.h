/* Futex helpers shared by the kernel side and the shard side. The words live
 * in MAP_SHARED memfd pages, so these are the process-shared (non-PRIVATE)
 * operations. Deadlines are absolute CLOCK_MONOTONIC times: FUTEX_WAIT_BITSET
 * takes an absolute timeout, so a tick stays periodic however often a wait
 * is interrupted (futex(2)). */
#ifndef SIM_FUTEX_H
#define SIM_FUTEX_H

#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Sleep while *w == val, until woken or `deadline` (NULL: no deadline). */
static inline void sim_futex_wait(_Atomic uint32_t *w, uint32_t val, const struct timespec *deadline)
{
	syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT_BITSET, val, deadline, NULL, FUTEX_BITSET_MATCH_ANY);
}

static inline void sim_futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, (uint32_t *)w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

#endif
