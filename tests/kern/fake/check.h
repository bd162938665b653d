/* A tiny assertion kit: failures print file:line and both values; every
 * test binary ends with t_summary() ("N passed, M failed"). */
#ifndef FAKE_CHECK_H
#define FAKE_CHECK_H

#include <stdio.h>
#include <string.h>

extern int t_pass, t_fail;

#define CHECK(cond)                                                                                          \
	do {                                                                                                 \
		if (cond) {                                                                                  \
			t_pass++;                                                                            \
		} else {                                                                                     \
			t_fail++;                                                                            \
			printf("%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                      \
		}                                                                                            \
	} while (0)

#define CHECK_EQ(a, b)                                                                                       \
	do {                                                                                                 \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);               \
		if (a_ == b_) {                                                                              \
			t_pass++;                                                                            \
		} else {                                                                                     \
			t_fail++;                                                                            \
			printf("%s:%d: CHECK_EQ failed: %s == %s (0x%llx vs 0x%llx, %llu vs %llu)\n",        \
			       __FILE__, __LINE__, #a, #b, a_, b_, a_, b_);                                  \
		}                                                                                            \
	} while (0)

#define CHECK_STR(a, b)                                                                                      \
	do {                                                                                                 \
		const char *a_ = (a), *b_ = (b);                                                             \
		if (strcmp(a_, b_) == 0) {                                                                   \
			t_pass++;                                                                            \
		} else {                                                                                     \
			t_fail++;                                                                            \
			printf("%s:%d: CHECK_STR failed: %s\n--- got:\n%s--- want:\n%s---\n", __FILE__,      \
			       __LINE__, #a, a_, b_);                                                        \
		}                                                                                            \
	} while (0)

/* Prints the summary; the process exit status. */
static inline int t_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
