/* A shard that does not compile: `tessera sim` must show the compiler's
 * output and fail without a traceback (tests/sim/test_sim_panic.py). */
#error "deliberately broken shard"
