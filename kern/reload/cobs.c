/* COBS (Cheshire & Baker, "Consistent Overhead Byte Stuffing", 1999): the
 * data is cut at each 0x00 into groups; each group is sent as a code byte
 * (group length + 1) and its non-zero bytes. A code of 0xFF means 254 bytes
 * with no zero after them. The result never contains 0x00, so 0x00 can
 * delimit frames on the wire. */
#include "internal.h"

size_t reload_cobs_encode(uint8_t *out, size_t cap, const uint8_t *in, size_t n)
{
	size_t code_at = 0, o = 1;
	uint8_t code = 1;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] != 0) {
			if (o >= cap)
				return 0;
			out[o++] = in[i];
			code++;
		}
		if (in[i] == 0 || code == 0xff) {
			out[code_at] = code;
			code = 1;
			/* After a full 254-byte group at the very end, no new group. */
			if (in[i] != 0 && i + 1 == n)
				return o;
			if (o >= cap)
				return 0;
			code_at = o++;
		}
	}
	out[code_at] = code;
	return o;
}

long reload_cobs_decode(uint8_t *out, const uint8_t *in, size_t n)
{
	size_t i = 0, o = 0;
	while (i < n) {
		uint8_t code = in[i++];
		if (code == 0 || (size_t)(code - 1) > n - i)
			return -1;
		for (uint8_t k = 1; k < code; k++) {
			if (in[i] == 0)
				return -1;
			out[o++] = in[i++];
		}
		/* A zero follows each group except a full one and the last. */
		if (code != 0xff && i < n)
			out[o++] = 0;
	}
	return (long)o;
}
