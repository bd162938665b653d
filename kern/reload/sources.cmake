# The files of kern/reload/, for whoever links them: the kernel build
# (`include()` this and add ${TESS_RELOAD_SOURCES}) and tests/reload.
# sha256.c is a stand-in until kern/image/ provides the shared SHA-256.
set(TESS_RELOAD_DIR ${CMAKE_CURRENT_LIST_DIR})
set(TESS_RELOAD_SOURCES
  ${TESS_RELOAD_DIR}/cobs.c
  ${TESS_RELOAD_DIR}/crc32.c
  ${TESS_RELOAD_DIR}/frame.c
  ${TESS_RELOAD_DIR}/hmac.c
  ${TESS_RELOAD_DIR}/proto.c
  ${TESS_RELOAD_DIR}/sha256.c
  ${TESS_RELOAD_DIR}/text.c
  ${TESS_RELOAD_DIR}/verify.c)
