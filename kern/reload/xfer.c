/* DATA and END: the package arrives in order into staging, then is
 * verified and handed to the swap (docs/reload.md, "Exchange"). */
#include <kern/kern.h>
#include <kern/reload.h>
#include "state.h"

/* The reason a DATA frame cannot be taken, or NULL. */
static const char *data_refusal(const struct frame *f)
{
	if (rl_s.st != ST_RECV)
		return "no transfer";
	if (f->seq != rl_s.next)
		return "out of order";
	if (f->len < 5 || f->len - 4 > FRAME_CHUNK)
		return "bad chunk";
	if (rl_le32(f->payload) != rl_s.got)
		return "bad offset";
	if (f->len - 4 > rl_s.total - rl_s.got)
		return "beyond the announced size";
	return 0;
}

void rl_on_data(const struct frame *f)
{
	const char *why;
	if (rl_s.st == ST_RECV && f->seq != 0 && f->seq + 1 == rl_s.next) {
		rl_send(FT_ACK, f->seq, 0, 0); /* duplicate: our ACK was lost */
	} else if ((why = data_refusal(f))) {
		rl_nak(why);
	} else {
		memcpy(rl_s.stage + rl_s.got, f->payload + 4, f->len - 4);
		rl_s.got += (uint32_t)(f->len - 4);
		rl_s.next++;
		rl_send(FT_ACK, f->seq, 0, 0);
	}
}

static void verify_and_apply(uint32_t seq)
{
	struct verdict v;
	if (rl_s.got != rl_s.total) {
		rl_result(seq, false, 0, "truncated");
		return;
	}
	if (rl_verify(&tess_system, rl_s.key, rl_s.keylen, rl_s.stage, rl_s.got, rl_s.name, &v) != 0) {
		rl_result(seq, false, 0, v.reason);
		return;
	}
	kern_log("reload: verified '%s' version %llu (%llu bytes), handing it to the swap", rl_s.name,
		 (unsigned long long)v.version, (unsigned long long)v.len);
	rl_s.end_seq = seq;
	rl_s.st = ST_PENDING;
	rl_s.exec_pages = v.exec_pages;
	int rc = kern_reload_apply(v.cfg, v.payload, (size_t)v.len, v.version);
	/* (If the swap already called reload_finish, the verdict is out.) */
	if (rc != RELOAD_APPLY_PENDING && rl_s.st == ST_PENDING)
		rl_result(seq, rc == 0, v.version, rc == 0 ? "" : "swap failed");
}

void rl_on_end(const struct frame *f)
{
	if (rl_s.st == ST_DONE && f->seq == rl_s.end_seq && f->seq != 0) {
		kern_reload_tx(rl_s.result, rl_s.result_len); /* our RESULT was lost */
	} else if (rl_s.st == ST_PENDING && f->seq == rl_s.end_seq) {
		rl_send(FT_ACK, f->seq, 0, 0);
	} else if (rl_s.st != ST_RECV) {
		rl_nak("no transfer");
	} else if (f->seq != rl_s.next) {
		rl_nak("out of order");
	} else {
		rl_send(FT_ACK, f->seq, 0, 0);
		verify_and_apply(f->seq);
	}
}
