# Target (bare-metal) build logic shared by platform/<arch>/CMakeLists.txt:
#   tess_target_kernel(<arch> <sources...>)   the kernel ELF: platform + kern
#       (tess_kern_library) + kern/image + platform/common + libfdt + gen tables
#   tess_add_shard(<name> <src dir> <core>)    called by gen/build.cmake: one
#       ELF per shard, linked at its planned VA by gen/shards/<name>/shard.ld
# A platform sets TESS_SHARD_BACKEND (a static library with _tess_start and
# tess_syscall) and TESS_SHARD_BACKEND_INCLUDE (its shard/include: the
# <tessera/dev_arch.h> of <tessera/dev.h>) before
# include(${TESS_GEN_DIR}/build.cmake).
# Option TESS_CONSOLE_STAMPS (`tessera build --stamps`): boot-time stamps on
# every console line, by compiling platform/common/stamps_on.c, not _off.c.
if(NOT TESS_GEN_DIR)
  message(FATAL_ERROR "TESS_GEN_DIR is required for a target build (run `./tessera build`)")
endif()
# Addresses `./tessera build` passes from its plan and arch table
# (codegen/tessera/arch.py): the board's kernel reserve and console, where
# the boot loader puts the image in the reserve (text_offset) and the
# kernel's linear map (VA = PA + TESS_KVA_OFFSET).
foreach(_v TESS_KERNEL_PA TESS_CONSOLE_PA TESS_TEXT_OFFSET TESS_KERNEL_LOAD_PA TESS_KVA_OFFSET TESS_KERNEL_LOAD_VA)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "${_v} is required for a target build (run `./tessera build`)")
  endif()
endforeach()

# A target image has no libc but kern/libc: every target of this build
# (kernel, platform code, libfdt, shards) gets its <string.h>. kern/libc is
# compiled for size: its speed comes from moving words (string.c unrolls
# its word loops itself), and -O2 would triple its code for no gain.
include_directories(${TESS_LIBC_INCLUDE_DIR})
set_source_files_properties(${TESS_LIBC_SOURCES} ${TESS_FMT_SOURCES} PROPERTIES COMPILE_OPTIONS -Os)
# Code that runs once per boot (or per problem) and spends its time in
# calls it makes (SHA-256, kern_log), not in itself: for size as well.
set_source_files_properties(${PROJECT_SOURCE_DIR}/kern/image/image.c ${PROJECT_SOURCE_DIR}/platform/common/dtb.c
  ${PROJECT_SOURCE_DIR}/kern/check.c PROPERTIES COMPILE_OPTIONS -Os)
# The portable SHA-256 is the fallback where the CPU hashes (aarch64 SHA2,
# riscv64 Zknh: platform/<arch>/): for size too (its rounds are unrolled by
# hand, sha256_loop.h, so -Os costs x86_64, which uses it, about 3%).
set_source_files_properties(${PROJECT_SOURCE_DIR}/kern/image/sha256.c PROPERTIES COMPILE_OPTIONS -Os)

set(TESS_COMMON_DIR ${PROJECT_SOURCE_DIR}/platform/common)
include(${TESS_COMMON_DIR}/libfdt.cmake)

# Kernel-side target code shared by every arch: device-tree check,
# page-table pool, string functions, image verification (kern/image).
add_library(tess_plat_common STATIC
  ${TESS_COMMON_DIR}/dtb.c ${TESS_COMMON_DIR}/pt.c
  ${PROJECT_SOURCE_DIR}/kern/image/sha256.c ${PROJECT_SOURCE_DIR}/kern/image/image.c
  ${TESS_LIBC_SOURCES})
target_include_directories(tess_plat_common PUBLIC ${TESS_COMMON_DIR}/include ${TESS_KERN_DIR}/include
  ${TESS_PUBLIC_INCLUDE_DIR})
target_link_libraries(tess_plat_common PUBLIC tess_libfdt)

option(TESS_CONSOLE_STAMPS "prefix console lines with the boot time (bench/qemu_figures.py)" OFF)
if(TESS_CONSOLE_STAMPS)
  set(_tess_stamps ${TESS_COMMON_DIR}/stamps_on.c)
else()
  set(_tess_stamps ${TESS_COMMON_DIR}/stamps_off.c)
endif()

# The boot self-test (platform/common/include/plat/selftest.h) chosen by
# the platform's cache option `option` (the arch table's selftest_option):
# "kstack" is the shared kernel stack overflow, a name listed in ARGN the
# platform's own selftest_<name>.c, anything else none. The source in `out`.
function(tess_selftest out option)
  set(${option} "off" CACHE STRING "boot self-test (plat/selftest.h): off, kstack or one of: ${ARGN}")
  if(${option} STREQUAL "kstack")
    set(${out} ${TESS_COMMON_DIR}/selftest_kstack.c PARENT_SCOPE)
  elseif(${option} IN_LIST ARGN)
    set(${out} selftest_${${option}}.c PARENT_SCOPE)
  else()
    set(${out} ${TESS_COMMON_DIR}/selftest_off.c PARENT_SCOPE)
  endif()
endfunction()

function(tess_target_kernel arch)
  set(_pdir ${PROJECT_SOURCE_DIR}/platform/${arch})
  tess_kern_library(kern_${arch} ${_pdir}/include)
  target_link_libraries(tess_plat_common PUBLIC kern_${arch})
  set(_board ${TESS_GEN_DIR}/platform/board.c)
  set(_key ${TESS_GEN_DIR}/kern/reload_key.c)
  foreach(_f ${_board} ${_key})
    if(NOT EXISTS ${_f})
      message(FATAL_ERROR "${_f} missing: `./tessera build` writes it (board check table, reload key)")
    endif()
  endforeach()
  # Hot reload (docs/reload.md): kern/reload/ and the device key.
  include(${TESS_KERN_DIR}/reload/sources.cmake)
  # Read-only console queries (docs/inspect.md), in the reload frames.
  include(${TESS_KERN_DIR}/inspect/sources.cmake)
  add_executable(kernel ${ARGN} ${TESS_COMMON_DIR}/load.c ${TESS_COMMON_DIR}/console.c
    ${TESS_COMMON_DIR}/console_rx.c ${TESS_COMMON_DIR}/halt.c ${TESS_COMMON_DIR}/nv_cfi.c ${TESS_COMMON_DIR}/ident.c
    ${TESS_COMMON_DIR}/shard_stack.c ${_tess_stamps}
    ${TESS_GEN_DIR}/kern/tables.c ${_board} ${_key}
    ${TESS_RELOAD_SOURCES} ${TESS_INSPECT_SOURCES})
  target_compile_definitions(kernel PRIVATE TESS_ARCH_NAME="${arch}")
  target_include_directories(kernel PRIVATE ${_pdir}/include)
  # The arch table's addresses (codegen/tessera/arch.py, via `tessera
  # build`) for the platform's C and assembly: stated there only.
  target_compile_definitions(kernel PRIVATE TESS_KERNEL_PA=${TESS_KERNEL_PA} TESS_TEXT_OFFSET=${TESS_TEXT_OFFSET}
    TESS_KERNEL_LOAD_PA=${TESS_KERNEL_LOAD_PA} TESS_KVA_OFFSET=${TESS_KVA_OFFSET})
  target_link_libraries(kernel PRIVATE tess_plat_common kern_${arch} tess_plat_common)
  target_link_options(kernel PRIVATE -T${CMAKE_CURRENT_BINARY_DIR}/kernel.ld)
  set_target_properties(kernel PROPERTIES SUFFIX .elf LINK_DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/kernel.ld
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()

# The Linux UAPI headers a target shard may include (shards/CMakeLists.txt):
# linked one by one from linux-libc-dev, so nothing else of /usr/include is
# visible to a freestanding shard.
set(TESS_UAPI_DIR ${CMAKE_BINARY_DIR}/uapi)
file(MAKE_DIRECTORY ${TESS_UAPI_DIR}/linux)
foreach(_h ${TESS_UAPI_HEADERS})
  if(NOT EXISTS /usr/include/linux/${_h})
    message(FATAL_ERROR "/usr/include/linux/${_h} is missing: install linux-libc-dev (scripts/bootstrap.sh)")
  endif()
  file(CREATE_LINK /usr/include/linux/${_h} ${TESS_UAPI_DIR}/linux/${_h} SYMBOLIC)
endforeach()

function(tess_add_shard name srcdir)
  file(GLOB _srcs CONFIGURE_DEPENDS ${srcdir}/*.c ${srcdir}/*.S)
  if(NOT _srcs)
    message(FATAL_ERROR "shard '${name}': no .c files in ${srcdir}")
  endif()
  set(_gen ${TESS_GEN_DIR}/shards/${name})
  # Code and rodata end on a page boundary apart from data (__tess_exec_end,
  # W^X), see codegen/templates/shard.ld.j2.
  set(_ld ${_gen}/shard.ld)
  add_executable(shard_${name} ${_srcs} ${_gen}/shard_cfg.c ${TESS_RUNTIME_SOURCES} ${TESS_LIBC_SOURCES})
  target_include_directories(shard_${name} PRIVATE ${_gen} ${TESS_SHARD_INCLUDE_DIRS} ${TESS_SHARD_BACKEND_INCLUDE}
    ${TESS_UAPI_DIR} ${TESS_UAPI_SHIM_DIR})
  # Crash reports (docs/inspect.md): a frame record in every function, leaf
  # ones included, and no tail calls (a caller that jumps instead of calling
  # leaves no frame), so the kernel's walk finds every caller.
  target_compile_options(shard_${name} PRIVATE -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer
    -fno-optimize-sibling-calls)
  target_link_libraries(shard_${name} PRIVATE ${TESS_SHARD_BACKEND})
  target_link_options(shard_${name} PRIVATE -T${_ld} -Wl,-z,max-page-size=4096)
  set_target_properties(shard_${name} PROPERTIES OUTPUT_NAME ${name} SUFFIX .elf
    LINK_DEPENDS ${_ld} RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/shards)
  add_dependencies(kernel shard_${name})
endfunction()

# A shard delivered as a finished ELF (linked elsewhere at its planned VA).
function(tess_add_prebuilt_shard name elf)
  add_custom_target(shard_${name} ALL
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/shards
    COMMAND ${CMAKE_COMMAND} -E copy ${elf} ${CMAKE_BINARY_DIR}/shards/${name}.elf)
endfunction()
