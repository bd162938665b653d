/* Test build only (TESS_A64_SELFTEST=el1_fault, tests/qemu/test_panic.py):
 * a kernel bug on purpose once the platform is up, a store to an address
 * the kernel's TTBR1 map does not cover (8 GiB into the linear map, which
 * covers PA 0-4 GiB: boot.S), to check that an exception taken from EL1
 * dumps the registers and halts every core. */
#include <stdint.h>
#include <kern/kern.h>
#include <plat/selftest.h>

void plat_selftest(void)
{
	kern_log("selftest: store to an unmapped kernel address");
	*(volatile uint64_t *)(uintptr_t)(TESS_KVA_OFFSET + (8ull << 30)) = 0x5e1f7e57;
}
