/* Test build only (TESS_X86_SELFTEST=overflow, tests/qemu/test_x86_64.py):
 * the kernel recurses until it runs off the bottom of core 0's stack into
 * the unmapped guard page. The #PF cannot be pushed there, so the CPU
 * raises a double fault, which arrives on its IST stack and reports the
 * overflow (panic.c) instead of the triple fault that would reset. */
#include <stdint.h>
#include <kern/kern.h>

void x86_selftest(void);

__attribute__((noinline)) static uint64_t dive(volatile uint64_t depth)
{
	volatile uint64_t pad[32];
	if (depth == UINT64_MAX) /* never: keeps the recursion well-defined */
		return 0;
	pad[depth % 32] = depth;
	return dive(depth + 1) + pad[depth % 32];
}

void x86_selftest(void)
{
	kern_log("selftest: unbounded recursion in the kernel");
	dive(0);
}
