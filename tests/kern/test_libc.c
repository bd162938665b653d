/* kern/libc/string.c, the string functions of every target image, run on
 * the host under the names tess_libc_* (tess_libc_host, kern/CMakeLists.txt):
 * <string.h> here is kern/libc's, and memcpy means tess_libc_memcpy. The
 * word-at-a-time paths are checked against a plain byte-by-byte model for
 * every alignment of source and destination and every length up to a few
 * words past the word loop, with guard bytes on both sides (ASan also
 * watches every access in the sanitized build). */
#include <stdint.h>
#include <string.h>
#include "check.h"

#define MAXLEN 80 /* several words, odd tails */
#define PAD    16 /* alignments tried and guard bytes on either side */

static unsigned char src[PAD + MAXLEN + PAD], dst[PAD + MAXLEN + PAD], want[sizeof(dst)];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7 + 1);
}

static int same(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static void copy_all(void)
{
	int bad = 0;

	for (unsigned so = 0; so < PAD; so++)
		for (unsigned dof = 0; dof < PAD; dof++)
			for (size_t n = 0; n <= MAXLEN; n++) {
				fill(src, sizeof(src), so);
				fill(dst, sizeof(dst), 100 + dof);
				fill(want, sizeof(want), 100 + dof);
				for (size_t i = 0; i < n; i++)
					want[dof + i] = src[so + i];
				if (memcpy(dst + dof, src + so, n) != dst + dof ||
				    !same(dst, want, sizeof(dst)))
					bad++;
			}
	CHECK_EQ(bad, 0);
}

static void set_all(void)
{
	int bad = 0;

	for (unsigned dof = 0; dof < PAD; dof++)
		for (size_t n = 0; n <= MAXLEN; n++) {
			fill(dst, sizeof(dst), dof);
			fill(want, sizeof(want), dof);
			for (size_t i = 0; i < n; i++)
				want[dof + i] = 0xa5;
			if (memset(dst + dof, 0x1a5, n) != dst + dof || !same(dst, want, sizeof(dst)))
				bad++;
		}
	CHECK_EQ(bad, 0);
}

/* Overlapping moves both ways, every distance and alignment. */
static void move_all(void)
{
	unsigned char buf[PAD + MAXLEN + PAD], model[sizeof(buf)], tmp[MAXLEN];
	int bad = 0;

	for (unsigned from = 0; from < 2 * PAD; from++)
		for (unsigned to = 0; to < 2 * PAD; to++)
			for (size_t n = 0; n <= MAXLEN - PAD; n++) {
				fill(buf, sizeof(buf), from + to);
				fill(model, sizeof(model), from + to);
				for (size_t i = 0; i < n; i++)
					tmp[i] = model[from + i];
				for (size_t i = 0; i < n; i++)
					model[to + i] = tmp[i];
				if (memmove(buf + to, buf + from, n) != buf + to ||
				    !same(buf, model, sizeof(buf)))
					bad++;
			}
	CHECK_EQ(bad, 0);
}

static void compare_and_search(void)
{
	const char *s = "abcabc";

	CHECK(memcmp("abc", "abc", 3) == 0);
	CHECK(memcmp("abc", "abd", 3) < 0);
	CHECK(memcmp("\xff", "\x01", 1) > 0); /* unsigned bytes */
	CHECK(memcmp("abc", "xyz", 0) == 0);
	CHECK(memchr(s, 'c', 6) == s + 2);
	CHECK(memchr(s, 'c', 2) == NULL);
	CHECK(memchr(s, 0, 7) == s + 6);
	CHECK_EQ(strnlen(s, 4), 4);
	CHECK_EQ(strnlen(s, 10), 6);
	CHECK(strrchr(s, 'b') == s + 4);
	CHECK(strrchr(s, 0) == s + 6);
	CHECK(strrchr(s, 'z') == NULL);
}

/* kern/lib's byte and string helpers as they were tested before kern/libc
 * replaced them (kmemset, kmemcpy, kstrlen, kstrcmp). */
static void bytes(void)
{
	unsigned char x[16], y[16];

	memset(x, 0xa5, sizeof(x));
	CHECK_EQ(x[0], 0xa5);
	CHECK_EQ(x[15], 0xa5);
	for (unsigned i = 0; i < 16; i++)
		y[i] = (unsigned char)i;
	memcpy(x + 1, y, 8);
	CHECK_EQ(x[0], 0xa5);
	CHECK_EQ(x[1], 0);
	CHECK_EQ(x[8], 7);
	CHECK_EQ(x[9], 0xa5);
	CHECK_EQ(strlen("hello"), 5);
	CHECK_EQ(strlen(""), 0);
	CHECK(strcmp("abc", "abc") == 0);
	CHECK(strcmp("abc", "abd") < 0);
	CHECK(strcmp("b", "abc") > 0);
}

int t_pass, t_fail;

int main(void)
{
	copy_all();
	set_all();
	move_all();
	compare_and_search();
	bytes();
	return t_summary("test_kern_libc");
}
