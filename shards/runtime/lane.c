/* tess_lane(): which of the shard's stacks this code runs on. Each lane
 * starts on its own planned stack (tess_self.lanes[i].stack_top, the
 * kernel's table too), so the stack pointer names the lane without a
 * register or a system call. */
#include <stdint.h>
#include <tessera/lane.h>
#include <tessera/shard_info.h>

unsigned tess_lane(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	for (unsigned l = 1; l < tess_self.nlanes; l++) {
		uint64_t top = tess_self.lanes[l].stack_top;

		if (sp < top && sp >= top - tess_self.stack_size)
			return l;
	}
	return 0;
}

unsigned tess_nlanes(void)
{
	return tess_self.nlanes ? tess_self.nlanes : 1u;
}
