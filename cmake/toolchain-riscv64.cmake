# Cross toolchain for the riscv64 target (cmake/toolchain-common.cmake).
# Used as -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-riscv64.cmake with -DTESS_ARCH=riscv64
# (codegen/tessera/arch.py names it).
# Shards get these flags: RV64GC, soft-float calling convention (lp64), so
# shard objects need no FP registers in their ABI but may use F/D (the
# kernel switches the FP state lazily). The kernel narrows -march to
# rv64imac (platform/riscv64/CMakeLists.txt): no FP instruction in the kernel.
# medany: code and data anywhere within +-2 GiB of the PC (the kernel runs
# in the upper half, shards low). -mno-relax: no gp-relative relaxation,
# shards and kernel leave gp unused.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(TESS_TARGET_TRIPLE riscv64-unknown-elf)
set(TESS_TARGET_C_FLAGS "-march=rv64gc -mabi=lp64 -mcmodel=medany -mno-relax")
set(TESS_TARGET_ASM_FLAGS "-march=rv64gc -mabi=lp64 -mno-relax")
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
