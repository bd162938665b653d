/* Test build only (TESS_X86_SELFTEST=kfault, tests/qemu/test_x86_64.py;
 * plat/selftest.h): a kernel bug on purpose once the platform is up, a
 * store to a kernel address no table maps (PML4 slot 511, PDPT slot 0), to
 * check that an exception taken in the kernel dumps the registers and
 * parks every core. */
#include <stdint.h>
#include <kern/kern.h>
#include <plat/selftest.h>

void plat_selftest(void)
{
	kern_log("selftest: store to an unmapped kernel address");
	*(volatile uint64_t *)(uintptr_t)0xffffff8000000000ull = 0x5e1f7e57;
}
