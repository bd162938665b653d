/* The protocol's state, shared by proto.c (entry points, BEGIN), xfer.c
 * (DATA, END) and reply.c (answers). One transfer at a time; see
 * docs/reload.md, "Exchange". */
#ifndef RELOAD_STATE_H
#define RELOAD_STATE_H

#include "rl.h"

enum { ST_OFF = 0, ST_IDLE, ST_RECV, ST_PENDING, ST_DONE };

struct rl_state {
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
	uint32_t exec_pages;   /* of the package handed to kern_reload_apply */
};

extern struct rl_state rl_s;

/* reply.c */
void rl_send(uint8_t type, uint32_t seq, const void *p, size_t n);
void rl_nak(const char *why); /* NAK(next expected seq, why) */
/* RESULT for END (or BEGIN) `seq`, logged; kept for a duplicate END. The
 * transfer is over (ST_DONE). */
void rl_result(uint32_t seq, bool ok, uint64_t version, const char *reason);

/* xfer.c */
void rl_on_data(const struct frame *f);
void rl_on_end(const struct frame *f);

#endif
