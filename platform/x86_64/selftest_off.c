/* The normal build: no boot self-test (see selftest_kfault.c). */
void x86_selftest(void);

void x86_selftest(void)
{
}
