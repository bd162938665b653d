/* The kernel side of the reload protocol (docs/reload.md, "Exchange"):
 * stop-and-wait with one frame in flight. BEGIN (seq 0) opens a transfer,
 * DATA seq 1..n carry the package in order, END (seq n+1) asks for the
 * verdict. Every frame is answered: ACK(seq), or NAK(next expected seq) so
 * the host resends, or RESULT. A duplicate of the last accepted frame is
 * acknowledged again without effect, so a lost ACK costs one resend. */
#include <kern/kern.h>
#include <kern/reload.h>
#include "state.h"

struct rl_state rl_s;

void reload_init(void *staging, size_t cap, const uint8_t *key, size_t keylen)
{
	rl_s.stage = staging, rl_s.cap = cap, rl_s.key = key, rl_s.keylen = keylen;
	rl_s.rx.state = 0;
	rl_s.st = ST_IDLE;
	rl_s.frames = rl_s.seen = 0;
}

static void on_begin(const struct frame *f)
{
	char why[REASON_MAX];
	if (rl_s.st == ST_PENDING) {
		rl_send(FT_NAK, 0, "busy: a swap is in progress", 27);
		return;
	}
	if (rl_s.st == ST_RECV)
		kern_log("reload: abandoned '%s' (new transfer)", rl_s.name);
	rl_s.st = ST_IDLE;
	rl_s.next = 0;
	if (f->seq != 0 || f->len < 5 || f->len - 4 >= PKG_NAME) {
		rl_nak("bad begin");
		return;
	}
	size_t n = f->len - 4;
	memcpy(rl_s.name, f->payload + 4, n);
	rl_s.name[n] = 0;
	if (!rl_name_ok(rl_s.name)) {
		memcpy(rl_s.name, "?", 2);
		rl_result(0, false, 0, "bad shard name");
		return;
	}
	rl_s.total = rl_le32(f->payload);
	rl_s.got = 0;
	rl_s.next = 1;
	const struct tess_shard_cfg *cfg = rl_shard_by_name(&tess_system, rl_s.name);
	uint64_t cap = rl_s.cap > PKG_OVERHEAD ? rl_s.cap - PKG_OVERHEAD : 0;
	if (!cfg)
		rl_reason(why, sizeof why, "unknown shard '", rl_s.name, "'");
	else if (rl_s.total < PKG_OVERHEAD)
		rl_reason(why, sizeof why, "truncated", "", "");
	else if (rl_s.total - PKG_OVERHEAD > cfg->mem_size)
		rl_reason_too_large(why, sizeof why, rl_s.total - PKG_OVERHEAD, cfg->mem_size);
	else if (rl_s.total - PKG_OVERHEAD > cap)
		rl_reason_too_large(why, sizeof why, rl_s.total - PKG_OVERHEAD, cap);
	else
		why[0] = 0;
	if (why[0]) {
		rl_result(0, false, 0, why);
		return;
	}
	rl_s.st = ST_RECV;
	rl_send(FT_ACK, 0, 0, 0);
	kern_log("reload: receiving '%s' (%u bytes)", rl_s.name, (unsigned)rl_s.total);
}

static void on_frame(const struct frame *f)
{
	rl_s.frames++;
	if (f->type == FT_BEGIN) {
		on_begin(f);
	} else if (f->type == FT_DATA) {
		rl_on_data(f);
	} else if (f->type == FT_END) {
		rl_on_end(f);
	} else if (f->type == FT_ABORT) {
		if (rl_s.st == ST_RECV) {
			kern_log("reload: abandoned '%s' (host gave up)", rl_s.name);
			rl_s.st = ST_IDLE;
			rl_s.next = 0;
		}
		rl_send(FT_ACK, f->seq, 0, 0);
	}
	/* Anything else (our own frame types echoed back, noise): ignored. */
}

void reload_rx_byte(uint8_t b)
{
	struct frame f;
	if (rl_s.st == ST_OFF)
		return;
	int r = rl_frame_rx(&rl_s.rx, b, &f);
	if (r == FRAME_OK)
		on_frame(&f);
	else if (r == FRAME_BAD && rl_s.st == ST_RECV)
		rl_nak("bad frame"); /* outside a transfer, stay quiet on the console */
}

void reload_poll(uint64_t now_ns)
{
	if (rl_s.st != ST_RECV)
		return;
	if (rl_s.frames != rl_s.seen) {
		rl_s.seen = rl_s.frames;
		rl_s.last_ns = now_ns;
	} else if (now_ns - rl_s.last_ns >= RELOAD_STALL_NS) {
		kern_log("reload: abandoned (stalled)");
		rl_s.st = ST_IDLE;
		rl_s.next = 0;
	}
}

uint32_t reload_exec_pages(void)
{
	return rl_s.exec_pages;
}

void reload_finish(int accepted, uint64_t version, const char *reason)
{
	if (rl_s.st != ST_PENDING)
		return;
	rl_result(rl_s.end_seq, accepted != 0, version, reason ? reason : "");
}
