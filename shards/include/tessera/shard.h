/* The shard programming model (like a Microkit protection domain).
 * A shard defines shard_init() and one or both of shard_notified() and
 * shard_poll(). Returning from an entry is yielding. The same source builds
 * for the simulator and for every target. */
#ifndef TESSERA_SHARD_H
#define TESSERA_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/abi.h>
#include <tessera/channel.h>

/* Required. Runs once per start; `why` is a tess_start_reason. */
void shard_init(enum tess_start_reason why);
/* Optional (weak). Called with the set of local event bits that fired:
 * channel ends (bit = local channel id) and granted IRQs. */
void shard_notified(tess_set_t set);
/* Optional (weak). If defined, the shard is a polling shard: it is called
 * again on every turn of its core instead of sleeping. */
void shard_poll(void);
/* For a shard that defines shard_poll: `false` makes it sleep between
 * notifications like a notified shard, `true` polls again (the default).
 * A driver takes interrupts while idle and polls while busy (NAPI). */
void tess_poll(bool on);

/* Console: one line per call, prefixed "shard:<name>| " by the kernel. */
void tess_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t tess_time_ns(void);
void tess_irq_ack(unsigned bit);

/* Who am I: from the generated per-shard config. */
const char *tess_name(void);
struct tess_ctrl *tess_ctrl(void);
/* Persistent memory (kept across restart and reload); NULL if none. */
void *tess_persistent(size_t *size);

/* Raw system call; implemented per platform (svc / ecall / syscall /
 * simulator mailbox). */
uint64_t tess_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

#endif
