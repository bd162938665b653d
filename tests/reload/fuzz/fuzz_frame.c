/* libFuzzer: the console RX path. Arbitrary bytes go through the frame
 * decoder and the protocol state machine (with the stall timer ticking);
 * COBS must round-trip whatever it is given. */
#include "t.h"

static uint8_t stage[16384];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	/* COBS: encode then decode gives the input back, without a 0x00. */
	static uint8_t enc[4096 + 4096 / 254 + 2], dec[sizeof enc];
	if (n <= 4096) {
		size_t e = reload_cobs_encode(enc, sizeof enc, data, n);
		if (e == 0 || memchr(enc, 0, e) || reload_cobs_decode(dec, enc, e) != (long)n ||
		    memcmp(dec, data, n))
			__builtin_trap();
	}
	/* Decoding raw input must stay in bounds and never grow. */
	if (n <= sizeof dec) {
		long d = reload_cobs_decode(dec, data, n);
		if (d > (long)n)
			__builtin_trap();
	}
	/* The frame layer alone. */
	struct frame_rx rx = {0};
	struct frame f;
	for (size_t i = 0; i < n; i++)
		if (reload_frame_rx(&rx, data[i], &f) == FRAME_OK && f.len > FRAME_MAX_PAYLOAD)
			__builtin_trap();
	/* The whole kernel side, with time passing every 64 bytes. */
	t_reset();
	t_apply_rc = n & 1 ? T_PENDING : 0;
	reload_proto_init(stage, sizeof stage, tess_reload_key, RELOAD_KEY_LEN);
	uint64_t now = 0;
	for (size_t i = 0; i < n; i++) {
		reload_rx_byte(data[i]);
		if (i % 64 == 63)
			reload_poll(now += RELOAD_STALL_NS / 2);
	}
	t_finish(1, 1, "ok");
	reload_poll(now);
	return 0;
}
