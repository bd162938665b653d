# The files of kern/reload/ (hot reload, docs/reload.md), in two lists:
#   TESS_RELOAD_KERN_SOURCES  the swap, reload_init and the weak platform
#       fallbacks: part of every kernel library (tess_kern_library), since
#       the scheduler calls the swap's hooks.
#   TESS_RELOAD_SOURCES  the protocol (framing, verifier, exchange): linked
#       by whoever takes packages over the console (target kernels, the
#       simulator; `include()` this and add ${TESS_RELOAD_SOURCES}), and by
#       tests/reload, which stands in for the rest of the kernel.
# The protocol also needs the printf engine (TESS_FMT_SOURCES, part of every
# kernel library; tests/reload adds it) and the SHA-256 of kern/image/
# (TESS_RELOAD_SHA256): target kernels already link it through
# tess_plat_common (cmake/target.cmake); a build without that (simulator,
# host tests) adds it as well.
set(TESS_RELOAD_DIR ${CMAKE_CURRENT_LIST_DIR})
set(TESS_RELOAD_KERN_SOURCES
  ${TESS_RELOAD_DIR}/default.c
  ${TESS_RELOAD_DIR}/init.c
  ${TESS_RELOAD_DIR}/swap.c)
set(TESS_RELOAD_SOURCES
  ${TESS_RELOAD_DIR}/cobs.c
  ${TESS_RELOAD_DIR}/crc32.c
  ${TESS_RELOAD_DIR}/field.c
  ${TESS_RELOAD_DIR}/frame.c
  ${TESS_RELOAD_DIR}/hmac.c
  ${TESS_RELOAD_DIR}/proto.c
  ${TESS_RELOAD_DIR}/verify.c)
set(TESS_RELOAD_SHA256 ${TESS_RELOAD_DIR}/../image/sha256.c)
