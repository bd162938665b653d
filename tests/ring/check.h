/* Minimal test bookkeeping for tests/ring: CHECK counts, the summary line is
 * "<n> passed, <m> failed" and the exit status is non-zero on any failure. */
#ifndef TESS_RING_CHECK_H
#define TESS_RING_CHECK_H

#include <stdio.h>

static unsigned check_passed, check_failed;

#define CHECK(cond)                                                                                          \
	do {                                                                                                 \
		if (cond) {                                                                                  \
			check_passed++;                                                                      \
		} else {                                                                                     \
			check_failed++;                                                                      \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);             \
		}                                                                                            \
	} while (0)

static inline int check_summary(void)
{
	printf("%u passed, %u failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
