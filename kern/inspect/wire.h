/* The query protocol's records (docs/inspect.md "Wire format"): what a
 * query may ask for, answer statuses, and a little-endian writer that
 * never writes past its buffer (a record that does not fit is cut, and
 * the host's parser refuses it). */
#ifndef INSPECT_WIRE_H
#define INSPECT_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define INSPECT_VERSION 1

enum inspect_what {
	INSPECT_SYSTEM = 1,
	INSPECT_PART = 2,
	INSPECT_SHARD = 3,
	INSPECT_CHANNEL = 4,
	INSPECT_CORE = 5,
	INSPECT_TRACE = 6,
	INSPECT_CRASH = 7,
	INSPECT_CAPTURE = 8,
};

enum inspect_status {
	INSPECT_OK = 0,
	INSPECT_NO_ITEM = 1, /* no such id (or offset) */
	INSPECT_EMPTY = 2,   /* nothing recorded yet */
	INSPECT_BUSY = 3,    /* being rewritten right now: ask again */
};

/* Largest serialised crash record: 64 bytes of fields, the registers,
 * the frames and the stack snippet. */
#define INSPECT_CRASH_MAX (88 + 8 * (ARCH_CRASH_REGS + KERN_CRASH_FRAMES) + KERN_CRASH_STACK)

struct w {
	uint8_t *p;
	size_t n, cap;
};

static inline size_t w_room(const struct w *w)
{
	return w->cap - w->n;
}

static inline void w_bytes(struct w *w, const void *src, size_t k)
{
	if (k > w_room(w))
		k = w_room(w);
	if (k)
		memcpy(w->p + w->n, src, k);
	w->n += k;
}

static inline void w_zero(struct w *w, size_t k)
{
	if (k > w_room(w))
		k = w_room(w);
	memset(w->p + w->n, 0, k);
	w->n += k;
}

static inline void w_le(struct w *w, uint64_t v, unsigned k)
{
	uint8_t b[8];

	for (unsigned i = 0; i < k; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	w_bytes(w, b, k);
}

static inline void w_u8(struct w *w, uint8_t v)
{
	w_le(w, v, 1);
}

static inline void w_u16(struct w *w, uint16_t v)
{
	w_le(w, v, 2);
}

static inline void w_u32(struct w *w, uint32_t v)
{
	w_le(w, v, 4);
}

static inline void w_u64(struct w *w, uint64_t v)
{
	w_le(w, v, 8);
}

/* A string as length u8 + bytes, at most `max` bytes of s (and 63). */
static inline void w_strn(struct w *w, const char *s, size_t max)
{
	size_t k = 0;

	while (s && k < max && k < 63 && s[k])
		k++;
	w_u8(w, (uint8_t)k);
	w_bytes(w, s, k);
}

static inline void w_str(struct w *w, const char *s)
{
	w_strn(w, s, 63);
}

#endif
