/* The kernel side of the exchange, driven frame by frame: a clean transfer,
 * resends, duplicates, order, stalls, and refusals at BEGIN and END. */
#include "t.h"

static uint8_t stage[T_SHARD_MEM + PKG_OVERHEAD], payload[4096], pkg[8192];
static uint64_t now;

#define expect(ty, sq, tx) expect_at(__LINE__, ty, sq, tx)
static void expect_at(int line, uint8_t type, uint32_t seq, const char *text)
{
	struct frame f;
	if (!t_reply(&f)) {
		fprintf(stderr, "expected a frame 0x%x seq %u, got none\n", type, seq);
		t_failures++;
		return;
	}
	CHECK(f.type == type && f.seq == seq);
	if (f.type != type || f.seq != seq)
		fprintf(stderr, "  line %d: got frame 0x%x seq %u\n", line, f.type, f.seq);
	if (type == FT_NAK) {
		char s[FRAME_MAX_PAYLOAD + 1] = {0};
		memcpy(s, f.payload, f.len);
		CHECK_STR(s, text);
	}
	if (type == FT_RESULT) {
		char s[FRAME_MAX_PAYLOAD + 1] = {0};
		memcpy(s, f.payload + 9, f.len - 9);
		CHECK_STR(s, text);
		CHECK(f.payload[0] == (text[0] ? 1 : 0));
	}
}

static void none(void)
{
	struct frame f;
	CHECK(!t_reply(&f));
}

static void begin(const char *name, uint32_t total)
{
	uint8_t p[64];
	reload_put_le32(p, total);
	memcpy(p + 4, name, strlen(name));
	t_send(FT_BEGIN, 0, p, 4 + strlen(name));
}

static void data(uint32_t seq, uint32_t off, const uint8_t *d, size_t n)
{
	uint8_t p[FRAME_MAX_PAYLOAD];
	reload_put_le32(p, off);
	memcpy(p + 4, d, n);
	t_send(FT_DATA, seq, p, 4 + n);
}

/* Sends chunks [from, to) of pkg (n bytes), expecting an ACK for each. */
static void chunks(size_t n, uint32_t from, uint32_t to)
{
	for (uint32_t s = from; s < to; s++) {
		size_t off = (s - 1) * FRAME_CHUNK, len = n - off < FRAME_CHUNK ? n - off : FRAME_CHUNK;
		data(s, (uint32_t)off, pkg + off, len);
		expect(FT_ACK, s, "");
	}
}

static uint32_t nchunks(size_t n)
{
	return (uint32_t)((n + FRAME_CHUNK - 1) / FRAME_CHUNK);
}

/* A whole transfer of pkg[0, n) as `name`; returns after END and the
 * poll that takes the swap's outcome, if there is one yet. */
static void transfer(const char *name, size_t n)
{
	begin(name, (uint32_t)n);
	expect(FT_ACK, 0, "");
	chunks(n, 1, nchunks(n) + 1);
	t_send(FT_END, nchunks(n) + 1, NULL, 0);
	expect(FT_ACK, nchunks(n) + 1, "");
	reload_poll(now);
}

static void clean_transfer(void)
{
	t_reset();
	size_t n =
		t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA, T_SHARD_VA, payload, 1000, 42, tess_reload_key);
	transfer("filter", n);
	expect(FT_RESULT, nchunks(n) + 1, "");
	none();
	CHECK(t_apply_calls == 1 && t_apply_version == 42 && t_apply_len == 1000);
	CHECK(t_apply_cfg == &tess_system.shards[0] && t_apply_xp == 1);
	CHECK_STR(t_log, "kern| reload: receiving 'filter' (1192 bytes)\n"
			 "kern| reload: verified 'filter' version 42 (1000 bytes), handing it to the swap\n"
			 "kern| reload: 'filter' now runs version 42\n");
	/* A duplicate END (our RESULT was lost) gets the same RESULT again,
	 * and the swap is not repeated. */
	t_send(FT_END, nchunks(n) + 1, NULL, 0);
	expect(FT_RESULT, nchunks(n) + 1, "");
	CHECK(t_apply_calls == 1);
}

static void resends(void)
{
	t_reset();
	size_t n =
		t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA, T_SHARD_VA, payload, 3000, 5, tess_reload_key);
	uint8_t w[FRAME_MAX_WIRE];
	begin("filter", (uint32_t)n);
	expect(FT_ACK, 0, "");
	chunks(n, 1, 3);
	/* Chunk 3 arrives corrupted: NAK asking for 3 again. */
	uint8_t p[FRAME_MAX_PAYLOAD];
	reload_put_le32(p, 2 * FRAME_CHUNK);
	memcpy(p + 4, pkg + 2 * FRAME_CHUNK, FRAME_CHUNK);
	size_t wn = reload_frame_encode(w, sizeof w, FT_DATA, 3, p, 4 + FRAME_CHUNK);
	w[100] = w[100] == 0x55 ? 0x56 : 0x55; /* never 0x00: one bad frame */
	for (size_t i = 0; i < wn; i++)
		reload_rx_byte(w[i]);
	expect(FT_NAK, 3, "bad frame");
	/* Console text typed between frames is ignored. */
	for (const char *c = "ls\r\n"; *c; c++)
		reload_rx_byte((uint8_t)*c);
	none();
	chunks(n, 3, 4);
	/* A duplicate of chunk 3 (its ACK was lost): ACKed again, no effect. */
	data(3, 2 * FRAME_CHUNK, (const uint8_t *)"garbage that must not be copied", 31);
	expect(FT_ACK, 3, "");
	/* Out of order: chunk 5 before 4, and an old chunk 2. */
	data(5, 4 * FRAME_CHUNK, pkg + 4 * FRAME_CHUNK, FRAME_CHUNK);
	expect(FT_NAK, 4, "out of order");
	data(2, FRAME_CHUNK, pkg + FRAME_CHUNK, FRAME_CHUNK);
	expect(FT_NAK, 4, "out of order");
	/* Right seq, wrong offset. */
	data(4, 0, pkg, FRAME_CHUNK);
	expect(FT_NAK, 4, "bad offset");
	chunks(n, 4, nchunks(n) + 1);
	t_send(FT_END, nchunks(n) + 1, NULL, 0);
	expect(FT_ACK, nchunks(n) + 1, "");
	reload_poll(now);
	expect(FT_RESULT, nchunks(n) + 1, "");
	CHECK(t_apply_calls == 1 && t_apply_version == 5);
}

static void stall(void)
{
	t_reset();
	size_t n =
		t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA, T_SHARD_VA, payload, 3000, 5, tess_reload_key);
	begin("filter", (uint32_t)n);
	expect(FT_ACK, 0, "");
	chunks(n, 1, 3);
	reload_poll(now += 1000000);
	reload_poll(now += RELOAD_STALL_NS - 1);
	chunks(n, 3, 4); /* still alive one nanosecond before the limit */
	reload_poll(now += 1);
	reload_poll(now += RELOAD_STALL_NS - 1);
	CHECK(strstr(t_log, "abandoned") == NULL);
	reload_poll(now += 1);
	CHECK(strstr(t_log, "kern| reload: abandoned (stalled)\n") != NULL);
	/* The late host is told there is no transfer; nothing was applied. */
	chunks(n, 4, 4);
	data(4, 3 * FRAME_CHUNK, pkg + 3 * FRAME_CHUNK, FRAME_CHUNK);
	expect(FT_NAK, 0, "no transfer");
	t_send(FT_END, 5, NULL, 0);
	expect(FT_NAK, 0, "no transfer");
	CHECK(t_apply_calls == 0);
	/* A fresh BEGIN starts over. */
	begin("filter", (uint32_t)n);
	expect(FT_ACK, 0, "");
	t_send(FT_ABORT, 1, NULL, 0);
	expect(FT_ACK, 1, "");
	CHECK(strstr(t_log, "kern| reload: abandoned 'filter' (host gave up)\n") != NULL);
}

static void refusals(void)
{
	uint8_t key2[RELOAD_KEY_LEN] = {9};
	size_t n;

	t_reset();
	begin("router", 1000);
	expect(FT_RESULT, 0, "unknown shard 'router'");
	begin("sink", 8193 + PKG_OVERHEAD);
	expect(FT_RESULT, 0, "image too large (8193 > 8192 bytes)");
	begin("filter", T_SHARD_MEM + 1 + PKG_OVERHEAD);
	expect(FT_RESULT, 0, "image too large (65537 > 65536 bytes)");
	begin("filter", 10);
	expect(FT_RESULT, 0, "truncated");
	begin("fil\nter", 10);
	expect(FT_RESULT, 0, "bad shard name");
	CHECK(strstr(t_log, "kern| reload: refused 'router': unknown shard 'router'\n") != NULL);

	n = t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA, T_SHARD_VA, payload, 600, 1, key2);
	transfer("filter", n);
	expect(FT_RESULT, nchunks(n) + 1, "bad signature");
	uint8_t h2[32];
	memcpy(h2, t_hash, 32), h2[0] = 0;
	n = t_make_pkg(pkg, "filter", h2, T_SHARD_PA, T_SHARD_VA, payload, 600, 1, tess_reload_key);
	transfer("filter", n);
	expect(FT_RESULT, nchunks(n) + 1, "manifest hash mismatch");
	n = t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA, T_SHARD_VA, payload, 600, 1, tess_reload_key);
	pkg[PKG_SHA_AT + 6] ^= 4;
	reload_hmac_sha256(tess_reload_key, RELOAD_KEY_LEN, pkg, n - PKG_MAC, pkg + n - PKG_MAC);
	transfer("filter", n);
	expect(FT_RESULT, nchunks(n) + 1, "sha-256 mismatch");
	/* END before all announced bytes arrived. */
	n = t_make_pkg(pkg, "filter", t_hash, T_SHARD_PA, T_SHARD_VA, payload, 600, 1, tess_reload_key);
	begin("filter", (uint32_t)n + 256);
	expect(FT_ACK, 0, "");
	chunks(n, 1, nchunks(n) + 1);
	t_send(FT_END, nchunks(n) + 1, NULL, 0);
	expect(FT_ACK, nchunks(n) + 1, "");
	expect(FT_RESULT, nchunks(n) + 1, "truncated");
	/* The swap itself refuses. */
	t_apply_rc = -1;
	transfer("filter", n);
	expect(FT_RESULT, nchunks(n) + 1, "swap failed");
	none();
	CHECK(t_apply_calls == 1);
}

static void pending(void)
{
	t_reset();
	t_apply_rc = T_PENDING;
	size_t n =
		t_make_pkg(pkg, "sink", t_hash, 0x80200000, 0x600000100000, payload, 100, 3, tess_reload_key);
	transfer("sink", n);
	none(); /* the verdict waits for the swap */
	t_send(FT_END, nchunks(n) + 1, NULL, 0);
	expect(FT_ACK, nchunks(n) + 1, "");
	begin("filter", 1000);
	expect(FT_NAK, 0, "busy: a swap is in progress");
	t_finish(0, 0, "rolled back (fault in init)");
	reload_poll(now);
	expect(FT_RESULT, nchunks(n) + 1, "rolled back (fault in init)");
	CHECK(strstr(t_log, "kern| reload: refused 'sink': rolled back (fault in init)\n") != NULL);
	t_finish(1, 3, ""); /* nothing pending: ignored */
	reload_poll(now);
	none();
}

/* A staging buffer smaller than the shard's region bounds the package too. */
static void small_staging(void)
{
	t_reset();
	reload_proto_init(stage, 1000, tess_reload_key, RELOAD_KEY_LEN);
	begin("filter", 2000);
	expect(FT_RESULT, 0, "image too large (1808 > 808 bytes)");
	begin("filter", 1000);
	expect(FT_ACK, 0, "");
	reload_proto_init(stage, sizeof stage, tess_reload_key, RELOAD_KEY_LEN);
}

int main(void)
{
	reload_rx_byte(FRAME_SOH); /* before init: ignored */
	reload_proto_init(stage, sizeof stage, tess_reload_key, RELOAD_KEY_LEN);
	for (size_t i = 0; i < sizeof payload; i++)
		payload[i] = (uint8_t)(i ^ 0x5a);
	clean_transfer();
	resends();
	stall();
	refusals();
	pending();
	small_staging();
	T_DONE("reload_proto");
}
