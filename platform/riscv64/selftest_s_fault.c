/* Test build only (TESS_RV_SELFTEST=s_fault): a kernel bug on purpose once
 * the platform is up, a store to an upper-half address the kernel table
 * does not map (root slot 264), to check that a trap taken from S-mode
 * dumps the registers and parks every hart (store page fault, scause 15). */
#include <stdint.h>
#include <kern/kern.h>
#include <plat/selftest.h>
#include <rv/layout.h>

void plat_selftest(void)
{
	kern_log("selftest: store to an unmapped kernel address");
	*(volatile uint64_t *)(uintptr_t)(RV_KOFF + (8ull << 30)) = 0x5e1f7e57;
}
