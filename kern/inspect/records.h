/* A query as kern/inspect/query.c decodes it, and the records kept in
 * files of their own (one job each). */
#ifndef INSPECT_RECORDS_H
#define INSPECT_RECORDS_H

#include <stdint.h>
#include "wire.h"

struct q {
	uint8_t what;
	uint16_t id, off;
	uint64_t cursor;
};

/* INSPECT_CAPTURE (capture.c). */
int inspect_capture_rec(struct w *w, const struct q *q);

#endif
