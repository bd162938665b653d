# kern/inspect/ (read-only console queries, docs/inspect.md): linked with
# the reload protocol (kern/reload/sources.cmake), whose frame decoder
# hands it the query frames; it reads the kernel's state, so only builds
# with a whole kernel (targets, the simulator) link it.
set(TESS_INSPECT_SOURCES ${CMAKE_CURRENT_LIST_DIR}/query.c ${CMAKE_CURRENT_LIST_DIR}/capture.c)
