/* Text helpers for replies and reasons, and little-endian
 * field access: package and frame fields are not aligned, so they are read
 * byte by byte rather than through casts. */
#include "rl.h"

void rl_text_init(struct text *t, char *buf, size_t cap)
{
	t->buf = buf, t->cap = cap, t->n = 0;
	if (cap)
		buf[0] = 0;
}

void rl_text_str(struct text *t, const char *s)
{
	while (*s && t->n + 1 < t->cap)
		t->buf[t->n++] = *s++;
	if (t->cap)
		t->buf[t->n] = 0;
}

void rl_text_u64(struct text *t, uint64_t v)
{
	char d[21];
	int i = 20;
	d[i] = 0;
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	rl_text_str(t, &d[i]);
}

bool rl_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

uint32_t rl_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t rl_le64(const uint8_t *p)
{
	return (uint64_t)rl_le32(p) | (uint64_t)rl_le32(p + 4) << 32;
}

void rl_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void rl_put_le64(uint8_t *p, uint64_t v)
{
	rl_put_le32(p, (uint32_t)v);
	rl_put_le32(p + 4, (uint32_t)(v >> 32));
}

void rl_reason(char *buf, size_t cap, const char *a, const char *b, const char *c)
{
	struct text t;
	rl_text_init(&t, buf, cap);
	rl_text_str(&t, a);
	rl_text_str(&t, b);
	rl_text_str(&t, c);
}

void rl_reason_too_large(char *buf, size_t cap, uint64_t n, uint64_t max)
{
	struct text t;
	rl_text_init(&t, buf, cap);
	rl_text_str(&t, "image too large (");
	rl_text_u64(&t, n);
	rl_text_str(&t, " > ");
	rl_text_u64(&t, max);
	rl_text_str(&t, " bytes)");
}

bool rl_name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (s[n] < 0x21 || s[n] > 0x7e)
			return false;
	return n > 0 && n < PKG_NAME;
}
