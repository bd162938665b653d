/* A printf subset for tess_log, with no libc: %s %c %d %i %u %x %X %p %%,
 * the l / ll / z length modifiers, a field width, and the '0' and '-'
 * flags. Unknown conversions are copied verbatim so a bad format is visible
 * in the log instead of reading a wrong va_arg. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include "rt.h"

struct out {
	char *buf;
	size_t cap, len; /* len < cap always: one byte is kept for the NUL */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len++] = c;
}

struct spec {
	unsigned width;
	bool zero, left;
};

/* Emit `s` (n chars) padded to the field width. */
static void field(struct out *o, const struct spec *sp, const char *s, size_t n, bool neg)
{
	size_t body = n + (neg ? 1 : 0);
	size_t pad = sp->width > body ? sp->width - body : 0;

	if (!sp->left && !sp->zero)
		for (; pad; pad--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	if (!sp->left)
		for (; pad; pad--)
			put(o, '0');
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	for (; pad; pad--)
		put(o, ' ');
}

static void number(struct out *o, const struct spec *sp, uint64_t v, unsigned base, bool upper, bool neg)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);
	field(o, sp, tmp + sizeof(tmp) - n, n, neg);
}

/* Read the integer argument of the given length (0: int, 1: long, 2: long long, 3: size_t). */
static uint64_t arg_unsigned(va_list *ap, int len)
{
	switch (len) {
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	case 3:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(va_list *ap, int len)
{
	switch (len) {
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	case 3:
		return (int64_t)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

/* One conversion starting after '%'; returns the position after it. */
static const char *convert(struct out *o, const char *f, va_list *ap)
{
	const char *start = f - 1;
	struct spec sp = {0};
	int len = 0;

	for (; *f == '0' || *f == '-'; f++) {
		if (*f == '0')
			sp.zero = true;
		else
			sp.left = true;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp.width = sp.width * 10 + (unsigned)(*f - '0');
	if (*f == 'z') {
		len = 3;
		f++;
	}
	for (; *f == 'l' && len < 2; f++)
		len++;
	switch (*f) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, len);
		number(o, &sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 10, false, v < 0);
		break;
	}
	case 'u':
		number(o, &sp, arg_unsigned(ap, len), 10, false, false);
		break;
	case 'x':
	case 'X':
		number(o, &sp, arg_unsigned(ap, len), 16, *f == 'X', false);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		number(o, &sp, (uintptr_t)va_arg(*ap, void *), 16, false, false);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		field(o, &sp, &c, 1, false);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		size_t n = 0;
		if (!s)
			s = "(null)";
		while (s[n])
			n++;
		field(o, &sp, s, n, false);
		break;
	}
	case '%':
		put(o, '%');
		break;
	default: /* unknown or truncated: show it as written */
		for (; start < f; start++)
			put(o, *start);
		if (!*f)
			return f;
		put(o, *f);
	}
	return f + 1;
}

size_t rt_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = {buf, cap, 0};
	va_list aq;

	if (cap == 0)
		return 0;
	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%')
			put(&o, *fmt++);
		else
			fmt = convert(&o, fmt + 1, &aq);
	}
	va_end(aq);
	buf[o.len] = '\0';
	return o.len;
}
