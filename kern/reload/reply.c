/* The kernel's answers (docs/reload.md, "Framing" and "Exchange"). */
#include <kern/kern.h>
#include <kern/reload.h>
#include "state.h"

/* Frame into out[] after a leading 0x00: it ends any frame the host's
 * splitter may think it is in (a shard that printed a stray SOH), so this
 * one always starts clean. Returns the bytes to send, or 0. */
static size_t frame(uint8_t *out, size_t cap, uint8_t type, uint32_t seq, const void *p, size_t n)
{
	size_t w = rl_frame_encode(out + 1, cap - 1, type, seq, p, n);
	out[0] = FRAME_EOF;
	return w ? w + 1 : 0;
}

void rl_send(uint8_t type, uint32_t seq, const void *p, size_t n)
{
	uint8_t out[FRAME_MAX_WIRE + 1];
	size_t w = frame(out, sizeof out, type, seq, p, n);
	if (w)
		kern_reload_tx(out, w);
}

void rl_nak(const char *why)
{
	rl_send(FT_NAK, rl_s.next, why, strlen(why));
}

void rl_result(uint32_t seq, bool ok, uint64_t version, const char *reason)
{
	uint8_t p[9 + REASON_MAX];
	size_t n = strlen(reason);
	if (n > REASON_MAX)
		n = REASON_MAX;
	p[0] = ok ? 0 : 1;
	rl_put_le64(p + 1, version);
	memcpy(p + 9, reason, n);
	/* The log line first, so the host shows it before its verdict. */
	if (ok)
		kern_log("reload: '%s' now runs version %llu", rl_s.name, (unsigned long long)version);
	else
		kern_log("reload: refused '%s': %s", rl_s.name, reason);
	rl_s.result_len = frame(rl_s.result, sizeof rl_s.result, FT_RESULT, seq, p, 9 + n);
	if (rl_s.result_len)
		kern_reload_tx(rl_s.result, rl_s.result_len);
	rl_s.end_seq = seq;
	rl_s.st = ST_DONE;
	rl_s.next = 0; /* only a new BEGIN is welcome now */
}
