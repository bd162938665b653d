/* The normal build: no boot self-test (see selftest_s_fault.c). */
void rv_selftest(void);

void rv_selftest(void)
{
}
