/* The kernel's printf subset. No floating point, no positional arguments:
 * just what log lines and the stats table need. */
#include <stdbool.h>
#include <kern/lib.h>

struct out {
	char *buf;
	size_t n, len; /* capacity (incl. NUL), characters stored */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len++] = c;
}

struct spec {
	bool left, zero;
	unsigned width;
};

static void pad(struct out *o, unsigned have, const struct spec *sp, char c)
{
	for (; have < sp->width; have++)
		put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	unsigned len;

	if (!s)
		s = "(null)";
	len = (unsigned)kstrlen(s);
	if (!sp->left)
		pad(o, len, sp, ' ');
	while (*s)
		put(o, *s++);
	if (sp->left)
		pad(o, len, sp, ' ');
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned len = 0, total;

	do {
		tmp[len++] = digits[v % base];
		v /= base;
	} while (v);
	total = len + (neg ? 1 : 0);
	if (sp->zero && !sp->left) {
		if (neg)
			put(o, '-');
		pad(o, total, sp, '0');
	} else {
		if (!sp->left)
			pad(o, total, sp, ' ');
		if (neg)
			put(o, '-');
	}
	while (len)
		put(o, tmp[--len]);
	if (sp->left)
		pad(o, total, sp, ' ');
}

/* Reads an integer argument of the size the modifiers say. */
static uint64_t arg_u(va_list *ap, int lng, bool z)
{
	if (z)
		return va_arg(*ap, size_t);
	if (lng >= 2)
		return va_arg(*ap, unsigned long long);
	if (lng == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_s(va_list *ap, int lng, bool z)
{
	if (z)
		return (int64_t)va_arg(*ap, size_t);
	if (lng >= 2)
		return va_arg(*ap, long long);
	if (lng == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

size_t kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = {buf, n, 0};
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		struct spec sp = {false, false, 0};
		int lng = 0;
		bool z = false;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (unsigned)(*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++) {
			if (*fmt == 'l')
				lng++;
			else
				z = true;
		}
		switch (*fmt) {
		case 's':
			put_str(&o, va_arg(args, const char *), &sp);
			break;
		case 'c':
			if (!sp.left)
				pad(&o, 1, &sp, ' ');
			put(&o, (char)va_arg(args, int));
			if (sp.left)
				pad(&o, 1, &sp, ' ');
			break;
		case 'd':
		case 'i': {
			int64_t v = arg_s(&args, lng, z);
			put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &sp);
			break;
		}
		case 'u':
			put_num(&o, arg_u(&args, lng, z), false, 10, false, &sp);
			break;
		case 'x':
		case 'X':
			put_num(&o, arg_u(&args, lng, z), false, 16, *fmt == 'X', &sp);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uintptr_t)va_arg(args, void *), false, 16, false, &sp);
			break;
		case '\0':
			fmt--; /* a lone '%' at the end: stop at the NUL */
			break;
		default: /* "%%" and anything unknown print the character */
			put(&o, *fmt);
			break;
		}
	}
	va_end(args);
	if (n)
		o.buf[o.len] = '\0';
	return o.len;
}

size_t ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = kvsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len;
}

size_t kfmt_duration(char *buf, size_t n, uint64_t ns)
{
	if (ns && ns % 1000000000u == 0)
		return ksnprintf(buf, n, "%llu s", (unsigned long long)(ns / 1000000000u));
	if (ns && ns % 1000000u == 0)
		return ksnprintf(buf, n, "%llu ms", (unsigned long long)(ns / 1000000u));
	if (ns && ns % 1000u == 0)
		return ksnprintf(buf, n, "%llu us", (unsigned long long)(ns / 1000u));
	return ksnprintf(buf, n, "%llu ns", (unsigned long long)ns);
}
