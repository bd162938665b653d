/* The machine's floor for a round trip between the two cores: two threads
 * bounce one atomic counter on its own cache line (ping writes odd values,
 * pong answers with the next even one). No ring can beat one line transfer
 * each way. */
#include <stdalign.h>
#include <stdatomic.h>
#include "floor.h"

static alignas(128) _Atomic uint64_t ball;

void floor_reset(void)
{
	atomic_store(&ball, 0);
}

void floor_ping(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		atomic_store_explicit(&ball, 2 * i + 1, memory_order_release);
		while (atomic_load_explicit(&ball, memory_order_acquire) != 2 * i + 2)
			;
	}
}

void floor_pong(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		while (atomic_load_explicit(&ball, memory_order_acquire) != 2 * i + 1)
			;
		atomic_store_explicit(&ball, 2 * i + 2, memory_order_release);
	}
}
