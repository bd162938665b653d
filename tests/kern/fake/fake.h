/* A fake platform for kern/ unit tests: scripted shards, a hand-driven
 * clock, recorded IPIs/idles/loads/stops, captured console. Memory for
 * control pages and channels is one static arena at FAKE_PA. */
#ifndef FAKE_FAKE_H
#define FAKE_FAKE_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <kern/sched.h>
#include <kern/stats.h>
#include <tessera/abi.h>

#define FAKE_PA		0x100000u
#define FAKE_MEM_PAGES	64
#define FAKE_CTRL_PA(i) (FAKE_PA + (uint64_t)(i)*TESS_PAGE_SIZE)
#define FAKE_CHAN_PA(c) (FAKE_PA + (uint64_t)(32 + (c)) * TESS_PAGE_SIZE)

/* One step of a shard's script: the trap it makes when resumed for the
 * step-th time; `advance_ns` moves the clock first (time the shard ran);
 * `hook` (optional) runs first, e.g. to act as another core. */
struct fake_step {
	struct trap trap;
	uint64_t advance_ns;
	void (*hook)(unsigned id, struct arch_ctx *ctx);
};

#define SYS(n, a)                                                                                            \
	{                                                                                                    \
		.trap = {.kind = TRAP_SYSCALL, .nr = (n), .arg = {(a)} }                                     \
	}
#define YIELD_WAIT SYS(TESS_SYS_YIELD, TESS_YIELD_WAIT)
#define YIELD_POLL SYS(TESS_SYS_YIELD, TESS_YIELD_POLL)
#define TICK(adv)                                                                                            \
	{                                                                                                    \
		.trap = {.kind = TRAP_TICK}, .advance_ns = (adv)                                             \
	}
#define FAULT(k, a, p, c)                                                                                    \
	{                                                                                                    \
		.trap = {.kind = TRAP_FAULT, .fault = (k), .addr = (a), .pc = (p), .code = (c) }             \
	}

/* Per shard: a script (steps after the last one: YIELD WAIT), or a
 * function that produces traps (the threaded test; ctx->step already
 * counts the current resume when it is called). */
extern const struct fake_step *fake_script[TESS_MAX_SHARDS];
extern unsigned fake_script_len[TESS_MAX_SHARDS];
extern void (*fake_run_fn[TESS_MAX_SHARDS])(unsigned id, struct arch_ctx *ctx, struct trap *t);

/* Every arch_shard_run, in order: shard ids as letters 'a'+id. */
extern char fake_runs[4096];
extern unsigned fake_nruns;
/* Return value seen by each resume of each shard (ctx->ret at run time,
 * ~0 if none was set since the previous resume). */
extern uint64_t fake_seen[TESS_MAX_SHARDS][64];

extern _Atomic uint64_t fake_now;
extern unsigned fake_core;
extern _Atomic unsigned fake_ipis[TESS_MAX_CORES], fake_idles[TESS_MAX_CORES];
extern unsigned fake_loads[TESS_MAX_SHARDS], fake_stops[TESS_MAX_SHARDS], fake_builds[TESS_MAX_SHARDS];
extern int fake_load_fail[TESS_MAX_SHARDS], fake_build_fail;
/* Hot reload: plat_shard_install / plat_shard_commit calls, the length of
 * the last payload each saw, and failure switches. */
extern unsigned fake_installs[TESS_MAX_SHARDS], fake_commits[TESS_MAX_SHARDS];
extern size_t fake_installed_len[TESS_MAX_SHARDS], fake_committed_len[TESS_MAX_SHARDS];
extern int fake_install_fail[TESS_MAX_SHARDS], fake_commit_fail[TESS_MAX_SHARDS];
extern uint32_t fake_unmasked[16];
extern unsigned fake_nunmasked;
extern unsigned char fake_mem[FAKE_MEM_PAGES * TESS_PAGE_SIZE];
/* plat_shard_boot_version per shard (0 reads as 1). */
extern uint64_t fake_boot_version[TESS_MAX_SHARDS];
/* The persistent store (plat_nv_*): the first fake_nv_size bytes of
 * fake_nv (0, after fake_reset: none), NOR flash semantics with
 * FAKE_NV_BLOCK erase blocks. fake_reset keeps its contents (a reboot
 * keeps them too). fake_nv_words_left: 4-byte words that may still be
 * written, then every write fails there (a power loss); -1: no limit. */
#define FAKE_NV_MAX   (64 * 1024)
#define FAKE_NV_BLOCK 4096
extern unsigned char fake_nv[FAKE_NV_MAX];
extern uint64_t fake_nv_size;
extern long fake_nv_words_left;
extern jmp_buf fake_halt_jmp;
extern int fake_halted;
/* Runs at the start of plat_idle, before the core would sleep: lets a
 * test land a notification in the window after the scheduler's scan. */
extern void (*fake_idle_hook)(unsigned core);
/* Threaded mode: plat_idle blocks until plat_ipi (semaphores). */
extern int fake_threaded;

/* Reset every fake record and script (not kernel state: boot for that). */
void fake_reset(void);
void fake_set_script(unsigned id, const struct fake_step *steps, unsigned n);
/* Console text captured since the last fake_out_clear. */
const char *fake_out(void);
void fake_out_clear(void);
struct tess_ctrl *fake_ctrl(unsigned id);
/* Stats snapshot of one shard (asserts it exists). */
struct kern_shard_stats fake_stats(unsigned id);

#endif
