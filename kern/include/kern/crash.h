/* A shard's last crash record (kern/crash.c), for kern/inspect and tests. */
#ifndef KERN_CRASH_H
#define KERN_CRASH_H

#include <stdatomic.h>
#include <stdint.h>
#include <kern/arch.h>

#define KERN_CRASH_STACK  256 /* bytes of stack from sp */
#define KERN_CRASH_FRAMES 16  /* return addresses of the frame-pointer walk */

struct kern_crash {
	_Atomic uint32_t gen; /* sequence lock: odd while being written */
	uint32_t count;	      /* the shard's faults recorded so far; 0: none */
	uint32_t kind;	      /* enum fault_kind */
	uint32_t nregs, nframes, stack_len;
	uint64_t code, addr, pc, sp, fp, at, version, base, stack_va;
	uint64_t regs[ARCH_CRASH_REGS];
	uint64_t frames[KERN_CRASH_FRAMES]; /* innermost caller first */
	uint8_t stack[KERN_CRASH_STACK];    /* stack_len bytes from stack_va (= sp) */
};

/* A consistent copy of shard `id`'s record: 0, or -1 (no such shard, or
 * being rewritten: ask again). */
int kern_crash_get(unsigned id, struct kern_crash *out);
void kern_crash_reset(void);

#endif
