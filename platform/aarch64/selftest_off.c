/* The normal build: no boot self-test (see selftest_el1_fault.c). */
#include <arch/a64.h>

void a64_selftest(void)
{
}
