/* The kernel side of the reload protocol (docs/reload.md, "Exchange"):
 * stop-and-wait with one frame in flight. BEGIN (seq 0) opens a transfer,
 * DATA seq 1..n carry the package in order into staging, END (seq n+1)
 * asks for the verdict. Every frame is answered: ACK(seq), or NAK(next
 * expected seq) so the host resends, or RESULT. A duplicate of the last
 * accepted frame is acknowledged again without effect, so a lost ACK
 * costs one resend.
 *
 * A verified package goes to the swap (swap.c) and the transfer waits
 * (ST_PENDING) for the swap's outcome, which reload_poll takes: whether
 * the swap refuses at once or after a trial, its verdict reaches the host
 * by that one route. Refusals before the swap (BEGIN's checks, the
 * verifier) are answered at once. RESULT goes out through result() only.
 *
 * Frames of the query type (kern/inspect) go to inspect_query, even with
 * reload off (no staging buffer): the console answers queries anyway.
 *
 * One transfer at a time, on one core (kern/reload.h). */
#include <kern/inspect.h>
#include <kern/kern.h>
#include <kern/reload.h>
#include "internal.h"

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
	uint32_t frames, seen;	     /* frames received; as of the last poll */
	uint64_t last_ns;	     /* when `frames` last changed, seen by poll */
	struct reload_digest digest; /* of the bytes staged so far */
} xfer;

void reload_proto_init(void *staging, size_t cap, const uint8_t *key, size_t keylen)
{
	xfer.stage = staging, xfer.cap = cap, xfer.key = key, xfer.keylen = keylen;
	xfer.rx.state = 0;
	xfer.st = ST_IDLE;
	xfer.frames = xfer.seen = 0;
}

/* ---- answers (docs/reload.md, "Framing") ---- */

/* Frame into out[] after a leading 0x00: it ends any frame the host's
 * splitter may think it is in (a shard that printed a stray SOH), so this
 * one always starts clean. Returns the bytes to send, or 0. */
static size_t frame(uint8_t *out, size_t cap, uint8_t type, uint32_t seq, const void *p, size_t n)
{
	size_t w = reload_frame_encode(out + 1, cap - 1, type, seq, p, n);
	out[0] = FRAME_EOF;
	return w ? w + 1 : 0;
}

void reload_frame_send(uint8_t type, uint32_t seq, const void *p, size_t n)
{
	uint8_t out[FRAME_MAX_WIRE + 1];
	size_t w = frame(out, sizeof out, type, seq, p, n);
	if (w)
		kern_console_write(out, w);
}

static void reply(uint8_t type, uint32_t seq, const void *p, size_t n)
{
	reload_frame_send(type, seq, p, n);
}

/* NAK(next expected seq, why). */
static void nak(const char *why)
{
	reply(FT_NAK, xfer.next, why, strlen(why));
}

/* RESULT for END (or BEGIN) `seq`, logged; kept for a duplicate END. The
 * transfer is over: only a new BEGIN is welcome now. */
static void result(uint32_t seq, bool ok, uint64_t version, const char *reason)
{
	uint8_t p[9 + REASON_MAX];
	size_t n = strlen(reason);
	if (n > REASON_MAX)
		n = REASON_MAX;
	p[0] = ok ? 0 : 1;
	reload_put_le64(p + 1, version);
	memcpy(p + 9, reason, n);
	/* The log line first, so the host shows it before its verdict. */
	if (ok)
		kern_log("reload: '%s' now runs version %llu", xfer.name, (unsigned long long)version);
	else
		kern_log("reload: refused '%s': %s", xfer.name, reason);
	xfer.result_len = frame(xfer.result, sizeof xfer.result, FT_RESULT, seq, p, 9 + n);
	if (xfer.result_len)
		kern_console_write(xfer.result, xfer.result_len);
	xfer.end_seq = seq;
	xfer.st = ST_DONE;
	xfer.next = 0;
}

/* ---- BEGIN, DATA, END ---- */

static void on_begin(const struct frame *f)
{
	char why[REASON_MAX];
	if (xfer.st == ST_PENDING) {
		reply(FT_NAK, 0, "busy: a swap is in progress", 27);
		return;
	}
	if (xfer.st == ST_RECV)
		kern_log("reload: abandoned '%s' (new transfer)", xfer.name);
	xfer.st = ST_IDLE;
	xfer.next = 0;
	if (f->seq != 0 || f->len < 5 || f->len - 4 >= PKG_NAME) {
		nak("bad begin");
		return;
	}
	size_t n = f->len - 4;
	memcpy(xfer.name, f->payload + 4, n);
	xfer.name[n] = 0;
	if (!reload_name_ok(xfer.name)) {
		memcpy(xfer.name, "?", 2);
		result(0, false, 0, "bad shard name");
		return;
	}
	xfer.total = reload_le32(f->payload);
	xfer.got = 0;
	xfer.next = 1;
	const struct tess_shard_cfg *cfg = reload_shard_by_name(&tess_system, xfer.name);
	uint64_t cap = xfer.cap > PKG_OVERHEAD ? xfer.cap - PKG_OVERHEAD : 0;
	if (!cfg)
		tess_snprintf(why, sizeof why, "unknown shard '%s'", xfer.name);
	else if (xfer.total < PKG_OVERHEAD)
		tess_snprintf(why, sizeof why, "truncated");
	else if (xfer.total - PKG_OVERHEAD > cfg->mem_size)
		tess_snprintf(why, sizeof why, REASON_TOO_LARGE,
			      (unsigned long long)(xfer.total - PKG_OVERHEAD),
			      (unsigned long long)cfg->mem_size);
	else if (xfer.total - PKG_OVERHEAD > cap)
		tess_snprintf(why, sizeof why, REASON_TOO_LARGE,
			      (unsigned long long)(xfer.total - PKG_OVERHEAD), (unsigned long long)cap);
	else
		why[0] = 0;
	if (why[0]) {
		result(0, false, 0, why);
		return;
	}
	xfer.st = ST_RECV;
	reload_digest_begin(&xfer.digest, xfer.key, xfer.keylen, xfer.total);
	reply(FT_ACK, 0, 0, 0);
	kern_log("reload: receiving '%s' (%u bytes)", xfer.name, (unsigned)xfer.total);
}

/* The reason a DATA frame cannot be taken, or NULL. */
static const char *data_refusal(const struct frame *f)
{
	if (xfer.st != ST_RECV)
		return "no transfer";
	if (f->seq != xfer.next)
		return "out of order";
	if (f->len < 5 || f->len - 4 > FRAME_CHUNK)
		return "bad chunk";
	if (reload_le32(f->payload) != xfer.got)
		return "bad offset";
	if (f->len - 4 > xfer.total - xfer.got)
		return "beyond the announced size";
	return 0;
}

static void on_data(const struct frame *f)
{
	const char *why;
	if (xfer.st == ST_RECV && f->seq != 0 && f->seq + 1 == xfer.next) {
		reply(FT_ACK, f->seq, 0, 0); /* duplicate: our ACK was lost */
	} else if ((why = data_refusal(f))) {
		nak(why);
	} else {
		memcpy(xfer.stage + xfer.got, f->payload + 4, f->len - 4);
		/* Hashed from staging as it arrives: END only finalises. */
		reload_digest_feed(&xfer.digest, xfer.stage + xfer.got, f->len - 4);
		xfer.got += (uint32_t)(f->len - 4);
		xfer.next++;
		reply(FT_ACK, f->seq, 0, 0);
	}
}

/* The whole package is in: verify it and hand it to the swap. */
static void hand_over(uint32_t seq)
{
	struct verdict v;
	uint8_t mac[32], sha[32];
	if (xfer.got != xfer.total) {
		result(seq, false, 0, "truncated");
		return;
	}
	reload_digest_end(&xfer.digest, xfer.key, xfer.keylen, mac, sha);
	if (reload_verify_digests(&tess_system, xfer.stage, xfer.got, xfer.name, mac, sha, &v) != 0) {
		result(seq, false, 0, v.reason);
		return;
	}
	kern_log("reload: verified '%s' version %llu (%llu bytes), handing it to the swap", xfer.name,
		 (unsigned long long)v.version, (unsigned long long)v.len);
	xfer.end_seq = seq;
	xfer.st = ST_PENDING;
	/* The swap is idle: it was last handed a package by a transfer that
	 * stayed ST_PENDING until reload_poll took that package's outcome. */
	(void)reload_swap_request(v.cfg, v.payload, (size_t)v.len, v.version, v.exec_pages);
}

static void on_end(const struct frame *f)
{
	if (xfer.st == ST_DONE && f->seq == xfer.end_seq && f->seq != 0) {
		kern_console_write(xfer.result, xfer.result_len); /* our RESULT was lost */
	} else if (xfer.st == ST_PENDING && f->seq == xfer.end_seq) {
		reply(FT_ACK, f->seq, 0, 0);
	} else if (xfer.st != ST_RECV) {
		nak("no transfer");
	} else if (f->seq != xfer.next) {
		nak("out of order");
	} else {
		reply(FT_ACK, f->seq, 0, 0);
		hand_over(f->seq);
	}
}

static void on_frame(const struct frame *f)
{
	if (f->type == INSPECT_QUERY) { /* read-only, answered whatever the transfer's state */
		inspect_query(f->seq, f->payload, f->len);
		return;
	}
	if (xfer.st == ST_OFF)
		return;
	xfer.frames++;
	if (f->type == FT_BEGIN) {
		on_begin(f);
	} else if (f->type == FT_DATA) {
		on_data(f);
	} else if (f->type == FT_END) {
		on_end(f);
	} else if (f->type == FT_ABORT) {
		if (xfer.st == ST_RECV) {
			kern_log("reload: abandoned '%s' (host gave up)", xfer.name);
			xfer.st = ST_IDLE;
			xfer.next = 0;
		}
		reply(FT_ACK, f->seq, 0, 0);
	}
	/* Anything else (our own frame types echoed back, noise): ignored. */
}

/* ---- entry points (kern/reload.h) ---- */

void reload_rx_byte(uint8_t b)
{
	struct frame f;
	int r = reload_frame_rx(&xfer.rx, b, &f);
	if (r == FRAME_OK)
		on_frame(&f);
	else if (r == FRAME_BAD && xfer.st == ST_RECV)
		nak("bad frame"); /* outside a transfer, stay quiet on the console */
}

void reload_poll(uint64_t now_ns)
{
	int accepted;
	uint64_t version;
	const char *reason;

	if (xfer.st == ST_PENDING && reload_swap_outcome(&accepted, &version, &reason))
		result(xfer.end_seq, accepted != 0, version, reason);
	if (xfer.st != ST_RECV)
		return;
	if (xfer.frames != xfer.seen) {
		xfer.seen = xfer.frames;
		xfer.last_ns = now_ns;
	} else if (now_ns - xfer.last_ns >= RELOAD_STALL_NS) {
		kern_log("reload: abandoned (stalled)");
		xfer.st = ST_IDLE;
		xfer.next = 0;
	}
}
