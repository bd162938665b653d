/* Test build only (the arch's self-test option = kstack,
 * tests/qemu/test_panic.py): unbounded recursion on the boot core's kernel
 * stack. It must end on the unmapped guard page below that stack (aarch64
 * boot.S, riscv64 and x86_64 mmu_kernel.c) as a reported kernel stack
 * overflow (the kernel's trap entry moves to the core's panic stack before
 * it pushes anything; on x86_64 the #PF cannot be pushed and the CPU's
 * double fault arrives on its own IST stack) instead of running over
 * whatever lies below. */
#include <stdint.h>
#include <kern/kern.h>
#include <plat/selftest.h>

static volatile unsigned depth_limit = 1u << 30; /* far beyond any stack */

/* 256-byte frames written at both ends: none steps over the guard page. */
static unsigned recurse(unsigned depth)
{
	volatile uint8_t frame[256];

	if (depth >= depth_limit)
		return 0;
	frame[0] = (uint8_t)depth;
	frame[sizeof(frame) - 1] = (uint8_t)depth;
	return recurse(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
}

void plat_selftest(void)
{
	kern_log("selftest: recursing on the kernel stack");
	kern_log("selftest: recursion returned %u", recurse(0));
}
