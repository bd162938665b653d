/* Shared by the kern/reload host tests: checks, the stand-ins for what
 * kern/ provides (stubs.c), and a C package builder (pkg.c). */
#ifndef RELOAD_TEST_T_H
#define RELOAD_TEST_T_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/reload.h>
#include "internal.h"
#include "sha256.h" /* kern/image/ */

extern int t_failures;
#define CHECK(c)                                                                                             \
	do {                                                                                                 \
		if (!(c)) {                                                                                  \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);                \
			t_failures++;                                                                        \
		}                                                                                            \
	} while (0)
#define CHECK_STR(a, b)                                                                                      \
	do {                                                                                                 \
		const char *a_ = (a), *b_ = (b);                                                             \
		if (strcmp(a_, b_) != 0) {                                                                   \
			fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_, b_);            \
			t_failures++;                                                                        \
		}                                                                                            \
	} while (0)
#define T_DONE(name)                                                                                         \
	do {                                                                                                 \
		printf("%s: %s\n", name, t_failures ? "FAILED" : "ok");                                      \
		return t_failures ? 1 : 0;                                                                   \
	} while (0)

/* ---- stubs.c: the fixture system and kern/ stand-ins ---- */
#define T_SHARD_PA  0x80100000ull
#define T_SHARD_VA  0x600000000000ull
#define T_SHARD_MEM 65536u /* "filter"; "sink" has 8192 */
extern const uint8_t t_hash[32];
extern char t_log[16384]; /* every kern_log line, "kern| ...\n" */
extern uint8_t t_tx[65536];
extern size_t t_tx_n;
extern FILE *t_echo;		  /* if set, log lines and frames are also written here */
extern int t_tx_drop, t_tx_count; /* frame number t_tx_drop (1-based) is not sent */
/* The stand-in swap: the last package it was handed (SHA-256 of the
 * payload, exec_pages, ...) and its outcome: t_apply_rc 0 accepted at once,
 * < 0 refused at once ("swap failed"), T_PENDING when t_finish says. */
extern uint8_t t_apply_sha[32];
extern uint32_t t_apply_xp;
extern int t_apply_rc, t_apply_calls;
extern uint64_t t_apply_version;
extern size_t t_apply_len;
extern const struct tess_shard_cfg *t_apply_cfg;
#define T_PENDING 1
/* The swap's outcome, for the protocol's next reload_poll. */
void t_finish(int accepted, uint64_t version, const char *reason);
void t_reset(void);

/* ---- pkg.c ---- */
extern uint32_t t_exec_pages; /* put in packages t_make_pkg builds (1) */
size_t t_make_pkg(uint8_t *out, const char *name, const uint8_t hash[32], uint64_t pa, uint64_t va,
		  const uint8_t *payload, size_t n, uint64_t version, const uint8_t *key);
/* Feed a frame (with a leading 0x00) into reload_rx_byte. */
void t_send(uint8_t type, uint32_t seq, const void *payload, size_t len);
/* The next frame the kernel sent since t_reset (console text skipped):
 * returns 1 with *f filled, or 0 when there is none. */
int t_reply(struct frame *f);

#endif
