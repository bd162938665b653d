/* The one printf engine (tessera/fmt.h): kernel log lines and the stats
 * table, and the shard runtime's tess_log. No floating point, no
 * positional arguments, no libc. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <tessera/fmt.h>

struct out {
	char *buf;
	size_t cap, len; /* len < cap always: one byte is kept for the NUL */
};

/* Not inlined: it is called from a dozen places, and inline copies of it
 * would double the engine's size. */
__attribute__((noinline)) static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len++] = c;
}

struct spec {
	unsigned width;
	bool zero, left;
};

/* Emit s[0..n), after a '-' if neg, padded to the field width: on the left
 * with spaces, or with zeros after the sign ('0', numbers only); on the
 * right with spaces ('-'). */
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
	while (n--)
		put(o, *s++);
	for (; pad; pad--)
		put(o, ' ');
}

static void number(struct out *o, const struct spec *sp, uint64_t v, unsigned base, bool upper, bool neg)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[20]; /* UINT64_MAX has 20 decimal digits */
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);
	field(o, sp, tmp + sizeof(tmp) - n, n, neg);
}

/* The integer argument of the given length: 0 int, 1 long, 2 long long,
 * 3 size_t. Signed conversions sign-extend from that width. */
static uint64_t arg(va_list *ap, int len, bool is_signed)
{
	switch (len) {
	case 1:
		return is_signed ? (uint64_t)va_arg(*ap, long) : va_arg(*ap, unsigned long);
	case 2:
		return is_signed ? (uint64_t)va_arg(*ap, long long) : va_arg(*ap, unsigned long long);
	case 3:
		return va_arg(*ap, size_t);
	default:
		return is_signed ? (uint64_t)va_arg(*ap, int) : va_arg(*ap, unsigned int);
	}
}

/* One conversion; f points after the '%'. Returns where the format goes on. */
static const char *convert(struct out *o, const char *f, va_list *ap)
{
	const char *start = f - 1;
	struct spec sp = {0, false, false};
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
		int64_t v = (int64_t)arg(ap, len, true);
		number(o, &sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 10, false, v < 0);
		break;
	}
	case 'u':
		number(o, &sp, arg(ap, len, false), 10, false, false);
		break;
	case 'x':
	case 'X':
		number(o, &sp, arg(ap, len, false), 16, *f == 'X', false);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		number(o, &sp, (uintptr_t)va_arg(*ap, void *), 16, false, false);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		sp.zero = false;
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
		sp.zero = false;
		field(o, &sp, s, n, false);
		break;
	}
	case '%':
		put(o, '%');
		break;
	case '\0': /* the format ends inside a conversion: drop it */
		return f;
	default: /* unknown: copied as written, so a bad format shows in the log */
		for (; start <= f; start++)
			put(o, *start);
		break;
	}
	return f + 1;
}

size_t tess_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
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

size_t tess_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = tess_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
