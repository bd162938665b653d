# Cross toolchain for the riscv64 target: Debian's clang + ld.lld, no libc.
# Used as -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-riscv64.cmake with -DTESS_ARCH=riscv64.
# Shards get these flags: RV64GC, soft-float calling convention (lp64), so
# shard objects need no FP registers in their ABI but may use F/D (the
# kernel switches the FP state lazily). The kernel narrows -march to
# rv64imac (platform/riscv64/CMakeLists.txt): no FP instruction in the kernel.
# medany: code and data anywhere within +-2 GiB of the PC (the kernel runs
# in the upper half, shards low). -mno-relax: no gp-relative relaxation,
# shards and kernel leave gp unused.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET riscv64-unknown-elf)
set(CMAKE_ASM_COMPILER_TARGET riscv64-unknown-elf)
# No libc to link a test program against: probe compilers with a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT
    "-march=rv64gc -mabi=lp64 -mcmodel=medany -mno-relax -ffreestanding -fno-builtin -fno-stack-protector -fno-common -g -O2")
set(CMAKE_ASM_FLAGS_INIT "-march=rv64gc -mabi=lp64 -mno-relax -g")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -nostdlib -static -Wl,--build-id=none")
set(TESS_OBJCOPY llvm-objcopy)
