/* The simulator's device register accessors (<tessera/dev_arch.h>): post
 * the access in the mailbox (SIM_POST_MMIO) and wait for the turn to come
 * back with the value read. The caller's address goes along as the pc of
 * the fault the simulator reports if the access is not granted. */
#include <tessera/dev_arch.h>
#include "shard_sim.h"

static uint64_t post(uintptr_t va, uint32_t size, uint32_t write, uint64_t val, void *caller)
{
	struct sim_mailbox *mb = sim_mb;

	mb->post = SIM_POST_MMIO;
	mb->addr = va;
	mb->pc = (uint64_t)(uintptr_t)caller;
	mb->mmio_size = size;
	mb->mmio_write = write;
	mb->mmio_val = val;
	return sim_hand_turn(mb);
}

#define CALLER __builtin_extract_return_addr(__builtin_return_address(0))

uint8_t tess_mmio_r8(uintptr_t va)
{
	return (uint8_t)post(va, 1, 0, 0, CALLER);
}

uint16_t tess_mmio_r16(uintptr_t va)
{
	return (uint16_t)post(va, 2, 0, 0, CALLER);
}

uint32_t tess_mmio_r32(uintptr_t va)
{
	return (uint32_t)post(va, 4, 0, 0, CALLER);
}

uint64_t tess_mmio_r64(uintptr_t va)
{
	return post(va, 8, 0, 0, CALLER);
}

void tess_mmio_w8(uintptr_t va, uint8_t v)
{
	post(va, 1, 1, v, CALLER);
}

void tess_mmio_w16(uintptr_t va, uint16_t v)
{
	post(va, 2, 1, v, CALLER);
}

void tess_mmio_w32(uintptr_t va, uint32_t v)
{
	post(va, 4, 1, v, CALLER);
}

void tess_mmio_w64(uintptr_t va, uint64_t v)
{
	post(va, 8, 1, v, CALLER);
}
