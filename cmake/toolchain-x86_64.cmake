# Cross toolchain for the x86_64 target (cmake/toolchain-common.cmake).
# Used as -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-x86_64.cmake with -DTESS_ARCH=x86_64
# (codegen/tessera/arch.py names it).
# Shards get these flags (x86-64 baseline, SSE2 allowed: the kernel switches
# FPU/SIMD state lazily); platform/x86_64/CMakeLists.txt narrows the kernel
# to general registers, the kernel code model and no red zone. No unwind
# tables: nothing unwinds, and .eh_frame would only grow the images.
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(TESS_TARGET_TRIPLE x86_64-unknown-elf)
set(TESS_TARGET_C_FLAGS "-fno-asynchronous-unwind-tables")
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
# clang 14 links x86_64-unknown-elf through gcc (its generic ELF toolchain),
# which Debian's clang does not pull in; the x86_64-linux-gnu driver calls
# ld.lld itself, and -nostdlib -static keep it from adding anything.
set(CMAKE_C_LINK_EXECUTABLE
    "<CMAKE_C_COMPILER> <FLAGS> <CMAKE_C_LINK_FLAGS> --target=x86_64-linux-gnu <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
