/* The kernel side of the reload protocol (docs/reload.md, "Exchange"):
 * stop-and-wait with one frame in flight. BEGIN (seq 0) opens a transfer,
 * DATA seq 1..n carry the package in order, END (seq n+1) asks for the
 * verdict. Every frame is answered: ACK(seq), or NAK(next expected seq) so
 * the host resends, or RESULT. A duplicate of the last accepted frame is
 * acknowledged again without effect, so a lost ACK costs one resend. */
#include <kern/kern.h>
#include <kern/reload.h>
#include "rl.h"

enum { ST_OFF = 0, ST_IDLE, ST_RECV, ST_PENDING, ST_DONE };

static struct {
	uint8_t *stage;
	size_t cap;
	const uint8_t *key;
	size_t keylen;
	struct frame_rx rx;
	int st;
	char name[PKG_NAME];
	uint32_t total, got, next; /* next: the seq expected next */
	uint32_t end_seq;
	uint8_t result[FRAME_MAX_WIRE + 1]; /* last RESULT, resent on a duplicate END */
	size_t result_len;
	uint32_t frames, seen; /* frames received; as of the last poll */
	uint64_t last_ns;      /* when `frames` last changed, seen by poll */
} R;

/* Frame into out[] after a leading 0x00: it ends any frame the host's
 * splitter may think it is in (a shard that printed a stray SOH), so this
 * one always starts clean. Returns the bytes to send, or 0. */
static size_t frame(uint8_t *out, size_t cap, uint8_t type, uint32_t seq, const void *p, size_t n)
{
	size_t w = rl_frame_encode(out + 1, cap - 1, type, seq, p, n);
	out[0] = FRAME_EOF;
	return w ? w + 1 : 0;
}

static void send(uint8_t type, uint32_t seq, const void *p, size_t n)
{
	uint8_t out[FRAME_MAX_WIRE + 1];
	size_t w = frame(out, sizeof out, type, seq, p, n);
	if (w)
		kern_reload_tx(out, w);
}

static void nak(const char *why)
{
	send(FT_NAK, R.next, why, rl_strlen(why));
}

/* RESULT for END (or BEGIN) `seq`; keeps it for a duplicate END. */
static void result(uint32_t seq, bool ok, uint64_t version, const char *reason)
{
	uint8_t p[9 + REASON_MAX];
	size_t n = rl_strlen(reason);
	if (n > REASON_MAX)
		n = REASON_MAX;
	p[0] = ok ? 0 : 1;
	rl_put_le64(p + 1, version);
	rl_memcpy(p + 9, reason, n);
	/* The log line first, so the host shows it before its verdict. */
	if (ok)
		kern_log("reload: '%s' now runs version %llu", R.name, (unsigned long long)version);
	else
		kern_log("reload: refused '%s': %s", R.name, reason);
	R.result_len = frame(R.result, sizeof R.result, FT_RESULT, seq, p, 9 + n);
	if (R.result_len)
		kern_reload_tx(R.result, R.result_len);
	R.end_seq = seq;
	R.st = ST_DONE;
	R.next = 0; /* only a new BEGIN is welcome now */
}

void reload_init(void *staging, size_t cap, const uint8_t *key, size_t keylen)
{
	R.stage = staging, R.cap = cap, R.key = key, R.keylen = keylen;
	R.rx.state = 0;
	R.st = ST_IDLE;
	R.frames = R.seen = 0;
}

static void on_begin(const struct frame *f)
{
	char why[REASON_MAX];
	if (R.st == ST_PENDING) {
		send(FT_NAK, 0, "busy: a swap is in progress", 27);
		return;
	}
	if (R.st == ST_RECV)
		kern_log("reload: abandoned '%s' (new transfer)", R.name);
	R.st = ST_IDLE;
	R.next = 0;
	if (f->seq != 0 || f->len < 5 || f->len - 4 >= PKG_NAME) {
		nak("bad begin");
		return;
	}
	size_t n = f->len - 4;
	rl_memcpy(R.name, f->payload + 4, n);
	R.name[n] = 0;
	if (!rl_name_ok(R.name)) {
		rl_memcpy(R.name, "?", 2);
		result(0, false, 0, "bad shard name");
		return;
	}
	R.total = rl_le32(f->payload);
	R.got = 0;
	R.next = 1;
	const struct tess_shard_cfg *cfg = rl_shard_by_name(&tess_system, R.name);
	uint64_t cap = R.cap > PKG_OVERHEAD ? R.cap - PKG_OVERHEAD : 0;
	if (!cfg)
		rl_reason(why, sizeof why, "unknown shard '", R.name, "'");
	else if (R.total < PKG_OVERHEAD)
		rl_reason(why, sizeof why, "truncated", "", "");
	else if (R.total - PKG_OVERHEAD > cfg->mem_size)
		rl_reason_too_large(why, sizeof why, R.total - PKG_OVERHEAD, cfg->mem_size);
	else if (R.total - PKG_OVERHEAD > cap)
		rl_reason_too_large(why, sizeof why, R.total - PKG_OVERHEAD, cap);
	else
		why[0] = 0;
	if (why[0]) {
		result(0, false, 0, why);
		return;
	}
	R.st = ST_RECV;
	send(FT_ACK, 0, 0, 0);
	kern_log("reload: receiving '%s' (%u bytes)", R.name, (unsigned)R.total);
}

/* The reason a DATA frame cannot be taken, or NULL. */
static const char *data_refusal(const struct frame *f)
{
	if (R.st != ST_RECV)
		return "no transfer";
	if (f->seq != R.next)
		return "out of order";
	if (f->len < 5 || f->len - 4 > FRAME_CHUNK)
		return "bad chunk";
	if (rl_le32(f->payload) != R.got)
		return "bad offset";
	if (f->len - 4 > R.total - R.got)
		return "beyond the announced size";
	return 0;
}

static void on_data(const struct frame *f)
{
	const char *why;
	if (R.st == ST_RECV && f->seq != 0 && f->seq + 1 == R.next) {
		send(FT_ACK, f->seq, 0, 0); /* duplicate: our ACK was lost */
	} else if ((why = data_refusal(f))) {
		nak(why);
	} else {
		rl_memcpy(R.stage + R.got, f->payload + 4, f->len - 4);
		R.got += (uint32_t)(f->len - 4);
		R.next++;
		send(FT_ACK, f->seq, 0, 0);
	}
}

static void verify_and_apply(uint32_t seq)
{
	struct verdict v;
	if (R.got != R.total) {
		result(seq, false, 0, "truncated");
		return;
	}
	if (rl_verify(&tess_system, R.key, R.keylen, R.stage, R.got, R.name, &v) != 0) {
		result(seq, false, 0, v.reason);
		return;
	}
	kern_log("reload: verified '%s' version %llu (%llu bytes), swapping", R.name,
		 (unsigned long long)v.version, (unsigned long long)v.len);
	R.end_seq = seq;
	R.st = ST_PENDING;
	int rc = kern_reload_apply(v.cfg, v.payload, (size_t)v.len, v.version);
	if (rc != RELOAD_APPLY_PENDING)
		result(seq, rc == 0, v.version, rc == 0 ? "" : "swap failed");
}

static void on_end(const struct frame *f)
{
	if (R.st == ST_DONE && f->seq == R.end_seq && f->seq != 0) {
		kern_reload_tx(R.result, R.result_len); /* our RESULT was lost */
	} else if (R.st == ST_PENDING && f->seq == R.end_seq) {
		send(FT_ACK, f->seq, 0, 0);
	} else if (R.st != ST_RECV) {
		nak("no transfer");
	} else if (f->seq != R.next) {
		nak("out of order");
	} else {
		send(FT_ACK, f->seq, 0, 0);
		verify_and_apply(f->seq);
	}
}

static void on_frame(const struct frame *f)
{
	R.frames++;
	if (f->type == FT_BEGIN) {
		on_begin(f);
	} else if (f->type == FT_DATA) {
		on_data(f);
	} else if (f->type == FT_END) {
		on_end(f);
	} else if (f->type == FT_ABORT) {
		if (R.st == ST_RECV) {
			kern_log("reload: abandoned '%s' (host gave up)", R.name);
			R.st = ST_IDLE;
			R.next = 0;
		}
		send(FT_ACK, f->seq, 0, 0);
	}
	/* Anything else (our own frame types echoed back, noise): ignored. */
}

void reload_rx_byte(uint8_t b)
{
	struct frame f;
	if (R.st == ST_OFF)
		return;
	int r = rl_frame_rx(&R.rx, b, &f);
	if (r == FRAME_OK)
		on_frame(&f);
	else if (r == FRAME_BAD && R.st == ST_RECV)
		nak("bad frame"); /* outside a transfer, stay quiet on the console */
}

void reload_poll(uint64_t now_ns)
{
	if (R.st != ST_RECV)
		return;
	if (R.frames != R.seen) {
		R.seen = R.frames;
		R.last_ns = now_ns;
	} else if (now_ns - R.last_ns >= RELOAD_STALL_NS) {
		kern_log("reload: abandoned (stalled)");
		R.st = ST_IDLE;
		R.next = 0;
	}
}

void reload_finish(int accepted, uint64_t version, const char *reason)
{
	if (R.st != ST_PENDING)
		return;
	result(R.end_seq, accepted != 0, version, reason ? reason : "");
}
