# libfdt for target kernels, built from Debian's linux-source-6.1 package:
# only scripts/dtc/libfdt/ is extracted from /usr/src/linux-source-6.1.tar.xz,
# once, into build/cache/ (shared by every target build dir), and compiled
# with the target toolchain. Nothing of libfdt is kept in the source tree.
set(TESS_LINUX_SRC_TAR /usr/src/linux-source-6.1.tar.xz CACHE FILEPATH "Debian linux-source tarball")
set(_fdt_cache ${PROJECT_SOURCE_DIR}/build/cache/libfdt-6.1)
set(_fdt_dir ${_fdt_cache}/linux-source-6.1/scripts/dtc/libfdt)
if(NOT EXISTS ${_fdt_dir}/fdt_ro.c)
  if(NOT EXISTS ${TESS_LINUX_SRC_TAR})
    message(FATAL_ERROR "libfdt: ${TESS_LINUX_SRC_TAR} missing; run scripts/bootstrap.sh (package linux-source-6.1)")
  endif()
  message(STATUS "libfdt: extracting scripts/dtc/libfdt from ${TESS_LINUX_SRC_TAR}")
  file(MAKE_DIRECTORY ${_fdt_cache})
  execute_process(
    COMMAND tar -xJf ${TESS_LINUX_SRC_TAR} -C ${_fdt_cache} --wildcards "linux-source-6.1/scripts/dtc/libfdt/*"
    RESULT_VARIABLE _fdt_rc)
  if(NOT _fdt_rc EQUAL 0 OR NOT EXISTS ${_fdt_dir}/fdt_ro.c)
    message(FATAL_ERROR "libfdt: extraction from ${TESS_LINUX_SRC_TAR} failed")
  endif()
endif()

add_library(tess_libfdt STATIC
  ${_fdt_dir}/fdt.c ${_fdt_dir}/fdt_ro.c ${_fdt_dir}/fdt_rw.c ${_fdt_dir}/fdt_wip.c ${_fdt_dir}/fdt_addresses.c ${_fdt_dir}/fdt_strerror.c)
target_include_directories(tess_libfdt SYSTEM PUBLIC ${_fdt_dir})
# Third-party code: keep its warnings from failing our -Werror build. With
# function sections only the functions the kernel calls are kept.
target_compile_options(tess_libfdt PRIVATE -w -Wno-error -O2 -ffunction-sections -fdata-sections)
# ASSUME_LATEST (libfdt_internal.h): no code for trees older than version
# 17, which dtb.c refuses before libfdt reads one; every bounds check stays.
# It takes the version tests out of every tag read; with -O2 the walk costs
# 208k instructions on aarch64 instead of 278k at -Os (bench/README.md).
target_compile_definitions(tess_libfdt PRIVATE FDT_ASSUME_MASK=4)
