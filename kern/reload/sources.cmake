# The files of kern/reload/, for whoever links them: the kernel build
# (`include()` this and add ${TESS_RELOAD_SOURCES}) and tests/reload.
# kern/reload also needs the SHA-256 of kern/image/ (TESS_RELOAD_SHA256):
# target kernels already link it through tess_plat_common (cmake/target.cmake);
# a build without that (simulator, host tests) adds it as well.
set(TESS_RELOAD_DIR ${CMAKE_CURRENT_LIST_DIR})
set(TESS_RELOAD_SOURCES
  ${TESS_RELOAD_DIR}/cobs.c
  ${TESS_RELOAD_DIR}/crc32.c
  ${TESS_RELOAD_DIR}/frame.c
  ${TESS_RELOAD_DIR}/hmac.c
  ${TESS_RELOAD_DIR}/proto.c
  ${TESS_RELOAD_DIR}/reply.c
  ${TESS_RELOAD_DIR}/text.c
  ${TESS_RELOAD_DIR}/verify.c
  ${TESS_RELOAD_DIR}/xfer.c)
set(TESS_RELOAD_SHA256 ${TESS_RELOAD_DIR}/../image/sha256.c)
