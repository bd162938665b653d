# What every cross toolchain file shares: Debian's clang + ld.lld, no libc.
# cmake/toolchain-<arch>.cmake sets CMAKE_SYSTEM_PROCESSOR, TESS_TARGET_TRIPLE
# and its flags (TESS_TARGET_C_FLAGS, TESS_TARGET_ASM_FLAGS), then includes
# this file.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${TESS_TARGET_TRIPLE})
set(CMAKE_ASM_COMPILER_TARGET ${TESS_TARGET_TRIPLE})
# No libc to link a test program against: probe compilers with a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
string(STRIP "${TESS_TARGET_C_FLAGS} -ffreestanding -fno-builtin -fno-stack-protector -fno-common -g -O2"
  CMAKE_C_FLAGS_INIT)
string(STRIP "${TESS_TARGET_ASM_FLAGS} -g" CMAKE_ASM_FLAGS_INIT)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -nostdlib -static -Wl,--build-id=none")
set(TESS_OBJCOPY llvm-objcopy)
