/* COBS edge cases, and frames on a byte stream shared with console text. */
#include "t.h"

static void cobs(const uint8_t *in, size_t n, const uint8_t *want, size_t wn)
{
	uint8_t out[600], back[600];
	size_t o = reload_cobs_encode(out, sizeof out, in, n);
	CHECK(o == wn && memcmp(out, want, wn) == 0);
	CHECK(reload_cobs_decode(back, out, o) == (long)n && (n == 0 || memcmp(back, in, n) == 0));
}

static void cobs_cases(void)
{
	uint8_t in[600], want[600];
	cobs(NULL, 0, (const uint8_t[]){1}, 1);
	cobs((const uint8_t[]){0}, 1, (const uint8_t[]){1, 1}, 2);
	cobs((const uint8_t[]){0, 0}, 2, (const uint8_t[]){1, 1, 1}, 3);
	cobs((const uint8_t[]){0x11, 0x22, 0, 0x33}, 4, (const uint8_t[]){3, 0x11, 0x22, 2, 0x33}, 5);
	cobs((const uint8_t[]){0x11, 0, 0, 0}, 4, (const uint8_t[]){2, 0x11, 1, 1, 1}, 5);
	/* 254 non-zero bytes: one full group, no trailing code byte. */
	for (int i = 0; i < 254; i++)
		in[i] = (uint8_t)(i + 1), want[i + 1] = (uint8_t)(i + 1);
	want[0] = 0xff;
	cobs(in, 254, want, 255);
	/* 255 non-zero bytes: a full group, then a group of one. */
	in[254] = 0xff, want[255] = 2, want[256] = 0xff;
	cobs(in, 255, want, 257);
	/* A full group followed by a zero. */
	in[254] = 0, want[255] = 1, want[256] = 1;
	cobs(in, 255, want, 257);
	/* Random round trips with runs of zeros. */
	srand(7);
	for (int round = 0; round < 500; round++) {
		size_t n = (size_t)rand() % 560;
		for (size_t i = 0; i < n; i++)
			in[i] = rand() % 3 ? (uint8_t)rand() : 0;
		uint8_t out[600], back[600];
		size_t o = reload_cobs_encode(out, sizeof out, in, n);
		CHECK(o > 0 && o <= n + n / 254 + 1 && memchr(out, 0, o) == NULL);
		CHECK(reload_cobs_decode(back, out, o) == (long)n && memcmp(back, in, n) == 0);
	}
	/* Invalid encodings: a zero byte, a group running past the end. */
	uint8_t bad1[] = {2, 0}, bad2[] = {5, 0x11, 0x22}, bad3[] = {0};
	CHECK(reload_cobs_decode(in, bad1, 2) == -1);
	CHECK(reload_cobs_decode(in, bad2, 3) == -1);
	CHECK(reload_cobs_decode(in, bad3, 1) == -1);
	CHECK(reload_cobs_encode(want, 3, in, 10) == 0); /* does not fit */
}

/* Feed a stream; collect decoded frames and count BAD ones. */
static int feed(struct frame_rx *rx, const uint8_t *s, size_t n, struct frame *got, int *bad)
{
	int nf = 0;
	*bad = 0;
	for (size_t i = 0; i < n; i++) {
		int r = reload_frame_rx(rx, s[i], &got[nf]);
		if (r == FRAME_OK) {
			/* Copy the payload out: it is only valid until the next byte. */
			static uint8_t keep[8][FRAME_MAX_PAYLOAD];
			memcpy(keep[nf], got[nf].payload, got[nf].len);
			got[nf].payload = keep[nf];
			nf++;
		}
		*bad += r == FRAME_BAD;
	}
	return nf;
}

static void frames(void)
{
	uint8_t s[4096], chunk[FRAME_MAX_PAYLOAD];
	struct frame f[8];
	struct frame_rx rx = {0};
	int bad;
	size_t n = 0;
	const char *text = "kern| boot ok\r\nshard:filter| hello\r\n";

	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = (uint8_t)i; /* contains 0x00 and 0x01 (SOH) */
	memcpy(s + n, text, strlen(text)), n += strlen(text);
	n += reload_frame_encode(s + n, 100, FT_ACK, 1, NULL, 0);
	memcpy(s + n, text, strlen(text)), n += strlen(text);
	n += reload_frame_encode(s + n, FRAME_MAX_WIRE, FT_DATA, 0x01000100, chunk, sizeof chunk);
	s[n++] = 'x';
	CHECK(feed(&rx, s, n, f, &bad) == 2 && bad == 0);
	CHECK(f[0].type == FT_ACK && f[0].seq == 1 && f[0].len == 0);
	CHECK(f[1].type == FT_DATA && f[1].seq == 0x01000100 && f[1].len == sizeof chunk);
	CHECK(memcmp(f[1].payload, chunk, sizeof chunk) == 0);

	/* Payload too large to encode. */
	CHECK(reload_frame_encode(s, sizeof s, FT_DATA, 1, chunk, FRAME_MAX_PAYLOAD + 1) == 0);

	/* Every single-bit error in a frame is caught (CRC-32 or COBS). */
	uint8_t w[FRAME_MAX_WIRE];
	size_t wn = reload_frame_encode(w, sizeof w, FT_DATA, 5, chunk, 40);
	for (size_t i = 1; i + 1 < wn; i++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(s, w, wn);
			s[i] ^= (uint8_t)(1 << bit);
			struct frame_rx r2 = {0};
			int got = feed(&r2, s, wn, f, &bad);
			/* A flip to 0x00 splits the frame: two bad pieces, or one
			 * bad piece and a trailing fragment with no SOH. */
			CHECK(got == 0 && bad >= 1);
		}

	/* A frame whose end was lost: the next frame's leading 0x00 ends it
	 * (bad), and the next frame still arrives. */
	n = 0;
	memcpy(s, w, wn - 10), n = wn - 10;
	s[n++] = 0;
	n += reload_frame_encode(s + n, sizeof s - n, FT_END, 9, NULL, 0);
	CHECK(feed(&rx, s, n, f, &bad) == 1 && bad == 1 && f[0].type == FT_END && f[0].seq == 9);

	/* An endless frame is dropped once it overflows, then the stream
	 * recovers at the next 0x00. */
	n = 0;
	s[n++] = FRAME_SOH;
	memset(s + n, 'A', 1000), n += 1000;
	s[n++] = 0;
	n += reload_frame_encode(s + n, sizeof s - n, FT_ACK, 3, NULL, 0);
	CHECK(feed(&rx, s, n, f, &bad) == 1 && bad == 1 && f[0].seq == 3);

	/* Too short to hold type, seq and CRC. */
	uint8_t tiny[] = {FRAME_SOH, 3, 0x10, 0x20, 0};
	CHECK(feed(&rx, tiny, sizeof tiny, f, &bad) == 0 && bad == 1);
}

int main(void)
{
	cobs_cases();
	frames();
	T_DONE("reload_frame");
}
