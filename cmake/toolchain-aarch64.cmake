# Cross toolchain for the aarch64 target: Debian's clang + ld.lld, no libc.
# Used as -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake with -DTESS_ARCH=aarch64.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET aarch64-none-elf)
set(CMAKE_ASM_COMPILER_TARGET aarch64-none-elf)
# No libc to link a test program against: probe compilers with a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# The kernel targets add -mgeneral-regs-only (platform/aarch64/CMakeLists.txt);
# shards may use FP/SIMD (saved per shard by the kernel).
set(CMAKE_C_FLAGS_INIT "-ffreestanding -fno-builtin -fno-stack-protector -fno-common -g -O2")
set(CMAKE_ASM_FLAGS_INIT "-g")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -nostdlib -static -Wl,--build-id=none")
set(TESS_OBJCOPY llvm-objcopy)
