/* The boot self-test of the QEMU tests (tests/qemu/test_panic.py,
 * test_x86_64.py): a kernel bug on purpose, once the platform is up, to
 * check what the platform reports. The build compiles exactly one file
 * that defines it: platform/common/selftest_off.c (normal builds) or a
 * test's, chosen by the arch's CMake option (TESS_A64_SELFTEST,
 * TESS_RV_SELFTEST, TESS_X86_SELFTEST; the arch table's selftest_option;
 * cmake/target.cmake tess_selftest): platform/<arch>/selftest_<name>.c, or
 * platform/common/selftest_kstack.c for "kstack". */
#ifndef PLAT_SELFTEST_H
#define PLAT_SELFTEST_H

void plat_selftest(void);

#endif
