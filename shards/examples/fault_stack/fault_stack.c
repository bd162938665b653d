/* fault_stack: initialises normally, then recurses without end, writing
 * to every frame. The stack must run into the unmapped guard page below it
 * (the planner's, docs/design.md "Memory plan") and fault there as a stack
 * overflow, before a byte of the shard's own data or bss is overwritten:
 * `canary` (in .data) is checked at every start. */
#include <stdint.h>
#include <tessera/shard.h>
#include "../common/fault.h"

static volatile uint32_t canary = 0x57ac4ca7u;
static volatile unsigned depth_limit = 1u << 30; /* far beyond any stack */

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), canary %s", why, canary == 0x57ac4ca7u ? "intact" : "overwritten");
}

/* 256-byte frames, written at both ends: no frame can step over the
 * 4 KiB guard page. Not a tail call (the sum needs the callee's result). */
FAULT_NO_SANITIZE static unsigned recurse(unsigned depth)
{
	volatile uint8_t frame[256];

	if (depth >= depth_limit)
		return 0;
	frame[0] = (uint8_t)depth;
	frame[sizeof(frame) - 1] = (uint8_t)depth;
	return recurse(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
}

void shard_poll(void)
{
	tess_log("recursing");
	tess_log("recursion returned %u", recurse(0));
}
