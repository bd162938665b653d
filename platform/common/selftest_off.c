/* The normal build: no boot self-test (plat/selftest.h). */
#include <plat/selftest.h>

void plat_selftest(void)
{
}
