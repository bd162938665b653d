# Cross toolchain for the aarch64 target (cmake/toolchain-common.cmake).
# Used as -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake with -DTESS_ARCH=aarch64
# (codegen/tessera/arch.py names it).
# The kernel targets add -mgeneral-regs-only (platform/aarch64/CMakeLists.txt);
# shards may use FP/SIMD (saved per shard by the kernel).
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(TESS_TARGET_TRIPLE aarch64-none-elf)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
