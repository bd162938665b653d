/* Cache-line ping-pong: the round-trip floor (floor.c). */
#ifndef TESS_BENCH_FLOOR_H
#define TESS_BENCH_FLOOR_H

#include <stdint.h>

void floor_reset(void);
void floor_ping(uint64_t n);
void floor_pong(uint64_t n);

#endif
