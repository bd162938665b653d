/* Frames on the shared console byte stream (docs/reload.md, "Framing"):
 *   SOH  COBS(type u8 | seq u32 | payload | crc32 u32)  EOF(0x00)
 * Console text is printable ASCII, \t, \r and \n, so it contains neither
 * SOH (0x01) nor 0x00: outside a frame, every byte that is not SOH is text
 * and ignored here. A 0x00 always ends (or, with no SOH seen, resyncs) a
 * frame, so a frame cut short by a lost byte costs at most that frame. */
#include "internal.h"

enum { FRX_IDLE = 0, FRX_IN = 1, FRX_SKIP = 2 };

int reload_frame_rx(struct frame_rx *rx, uint8_t b, struct frame *f)
{
	if (b == FRAME_EOF) {
		int was = rx->state;
		rx->state = FRX_IDLE;
		if (was == FRX_SKIP)
			return FRAME_BAD; /* oversized: cannot be ours */
		if (was != FRX_IN)
			return FRAME_NONE;
		long n = reload_cobs_decode(rx->buf, rx->buf, rx->n);
		if (n < FRAME_HDR + 4 || n > (long)FRAME_MAX_BODY)
			return FRAME_BAD;
		size_t body = (size_t)n - 4;
		if (reload_crc32(rx->buf, body) != reload_le32(rx->buf + body))
			return FRAME_BAD;
		f->type = rx->buf[0];
		f->seq = reload_le32(rx->buf + 1);
		f->payload = rx->buf + FRAME_HDR;
		f->len = body - FRAME_HDR;
		return FRAME_OK;
	}
	switch (rx->state) {
	case FRX_IDLE:
		if (b == FRAME_SOH) {
			rx->state = FRX_IN;
			rx->n = 0;
		}
		return FRAME_NONE;
	case FRX_IN:
		if (rx->n == sizeof rx->buf)
			rx->state = FRX_SKIP;
		else
			rx->buf[rx->n++] = b;
		return FRAME_NONE;
	default:
		return FRAME_NONE;
	}
}

size_t reload_frame_encode(uint8_t *out, size_t cap, uint8_t type, uint32_t seq, const void *payload,
			   size_t len)
{
	uint8_t body[FRAME_MAX_BODY];
	if (len > FRAME_MAX_PAYLOAD || cap < 2)
		return 0;
	body[0] = type;
	reload_put_le32(body + 1, seq);
	if (len) /* an empty frame may come with payload == NULL (C11 7.24.1p2) */
		memcpy(body + FRAME_HDR, payload, len);
	reload_put_le32(body + FRAME_HDR + len, reload_crc32(body, FRAME_HDR + len));
	size_t n = reload_cobs_encode(out + 1, cap - 2, body, FRAME_HDR + len + 4);
	if (n == 0)
		return 0;
	out[0] = FRAME_SOH;
	out[n + 1] = FRAME_EOF;
	return n + 2;
}
