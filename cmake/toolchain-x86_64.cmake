# Cross toolchain for the x86_64 target: Debian's clang + ld.lld, no libc.
# Used as -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-x86_64.cmake with -DTESS_ARCH=x86_64.
# Shards get these flags (x86-64 baseline, SSE2 allowed: the kernel switches
# FPU/SIMD state lazily); platform/x86_64/CMakeLists.txt narrows the kernel
# to general registers, the kernel code model and no red zone.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET x86_64-unknown-elf)
set(CMAKE_ASM_COMPILER_TARGET x86_64-unknown-elf)
# No libc to link a test program against: probe compilers with a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-ffreestanding -fno-builtin -fno-stack-protector -fno-common -fno-asynchronous-unwind-tables -g -O2")
set(CMAKE_ASM_FLAGS_INIT "-g")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -nostdlib -static -Wl,--build-id=none")
# clang 14 links x86_64-unknown-elf through gcc (its generic ELF toolchain),
# which Debian's clang does not pull in; the x86_64-linux-gnu toolchain
# calls ld.lld itself, and -nostdlib -static keep it from adding anything.
set(CMAKE_C_LINK_EXECUTABLE
    "<CMAKE_C_COMPILER> <FLAGS> <CMAKE_C_LINK_FLAGS> --target=x86_64-linux-gnu <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
set(TESS_OBJCOPY llvm-objcopy)
