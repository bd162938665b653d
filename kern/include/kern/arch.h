/* The hooks every platform implements (platform/<arch>/ and sim/).
 * Declared once here; kern/ calls only these. Each platform also provides
 * <arch/ctx.h> defining `struct arch_ctx`, the saved user context that
 * kern/ stores per shard but never looks inside.
 *
 * Control flow: the platform owns the entry points. It initialises its
 * hardware, calls kern_boot() on the boot core, starts the other cores
 * with plat_core_start(), and every core (boot core included) ends in
 * kern_core_main(), which never returns. */
#ifndef KERN_ARCH_H
#define KERN_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <arch/ctx.h>
#include <tessera/tables.h>

struct kern_shard;

enum trap_kind {
	TRAP_SYSCALL = 0, /* shard made a system call: nr, arg[] */
	TRAP_FAULT = 1,	  /* shard faulted: fault, addr, pc */
	TRAP_TICK = 2,	  /* the core's tick fired while the shard ran */
	TRAP_IRQ = 3,	  /* a device IRQ arrived while the shard ran: irq */
};

enum fault_kind {
	FAULT_READ = 0,	  /* load from an unmapped or non-readable address */
	FAULT_WRITE = 1,  /* store to an unmapped or read-only address */
	FAULT_EXEC = 2,	  /* instruction fetch from non-executable memory */
	FAULT_UNDEF = 3,  /* undefined / illegal instruction */
	FAULT_ALIGN = 4,  /* misaligned access */
	FAULT_SIGNAL = 5, /* simulator: host signal `code` (SIGSEGV, SIGBUS...) */
	FAULT_OTHER = 6,
	/* An access to the unmapped page below the shard's stack: its stack
	 * overflowed. Platforms report FAULT_READ/FAULT_WRITE with the
	 * address; kern_fault tells from the tables (kern/stackguard.c). The
	 * simulator, whose faults are host signals, uses kern_stack_guard_hit. */
	FAULT_STACK = 7,
};

struct trap {
	uint32_t kind;	/* enum trap_kind */
	uint32_t fault; /* enum fault_kind */
	uint64_t nr;
	uint64_t arg[4];
	uint64_t addr; /* faulting address */
	uint64_t pc;
	uint64_t code; /* arch detail: ESR, scause, signal number... */
	uint32_t irq;
};

/* ---- context and address space (arch_*) ---- */

/* Prepare a fresh user context: start at `entry` with stack `sp` and
 * `arg0` in the first argument register. */
void arch_ctx_init(struct arch_ctx *ctx, const struct tess_shard_cfg *cfg, uint64_t entry, uint64_t sp,
		   uint64_t arg0);
/* Set the value a pending system call returns. */
void arch_ctx_set_ret(struct arch_ctx *ctx, uint64_t val);
/* Build the shard's address space from cfg->maps in cfg->pt_pa. Called
 * once at boot. Returns 0, or -1 after logging why (planned pool too
 * small, a writable+executable map, a map outside the VA space...). */
int arch_aspace_build(const struct tess_shard_cfg *cfg);
/* Run the shard on this core until it traps; fill *t. The shard's
 * address space is switched in by this call. */
void arch_shard_run(struct kern_shard *s, struct arch_ctx *ctx, struct trap *t);

/* ---- platform services (plat_*) ---- */

/* Nanoseconds since boot, monotonic, same clock on every core. */
uint64_t plat_time_ns(void);
/* Index of the calling core (0-based, as in the manifest). */
unsigned plat_core_id(void);
/* Start `core` running kern_core_main(core). */
void plat_core_start(unsigned core);
/* Wait until something may have changed for this core: IPI, tick,
 * device IRQ. Spurious returns are fine. */
void plat_idle(unsigned core);
/* Wake `core` from plat_idle (or make its next plat_idle return). */
void plat_ipi(unsigned core);
/* Kernel pointer to planned physical memory (ctrl pages, channels). */
void *plat_pa_to_kva(uint64_t pa);
/* Write console bytes (already formatted; kern/ serialises callers). */
void plat_console_write(const char *s, size_t n);
/* Load the shard's image part into its private memory and zero the rest
 * (first start, restart, reload). The simulator (re)spawns the process. */
int plat_shard_load(const struct tess_shard_cfg *cfg);
/* Stop a shard for good or before a reload/restart (simulator: kill). */
void plat_shard_stop(const struct tess_shard_cfg *cfg);
/* Hot reload (kern/reload/swap.c). Install a verified new image: `payload` (len
 * bytes, in staging memory) into the shard's private memory, the rest
 * zeroed, like plat_shard_load (simulator: the process is respawned from
 * the new executable). Does NOT change what plat_shard_load loads, so a
 * rollback is plat_shard_load. 0, or -1 after logging why. */
int plat_shard_install(const struct tess_shard_cfg *cfg, const void *payload, size_t len);
/* Hot reload, before the swap is posted: called by reload_swap_request on
 * the console core (the one that feeds reload_rx_byte), while the shard's
 * core keeps running its shards, with the verified payload (valid until
 * the verdict). A platform does here whatever part of the install is
 * expensive and does not touch the running shard (simulator: spawn the new
 * process, which waits for its first turn), so that plat_shard_install at
 * the shard's yield stays short for the other shards of its core. The swap
 * that follows always reaches plat_shard_install (which must still work
 * without a prepare). 0, or -1 after logging why: the swap is refused and
 * the running version is untouched. Default (weak): nothing, 0. */
int plat_shard_prepare(const struct tess_shard_cfg *cfg, const void *payload, size_t len);
/* The installed image passed its trial: from now on plat_shard_load loads
 * `payload` (targets: a copy in cfg->reload_pa; simulator: the memfd).
 * Called before the staging buffer is released. 0, or -1. */
int plat_shard_commit(const struct tess_shard_cfg *cfg, const void *payload, size_t len);
/* The version id of the image plat_shard_load loads at boot: targets, the
 * boot image's part version (docs/image.md, `tessera build
 * --image-version`); the simulator, 1. kern_boot starts the shard's
 * version, and its anti-rollback floor, there (kern/rollback.c). */
uint64_t plat_shard_boot_version(const struct tess_shard_cfg *cfg);
/* The persistent store of the anti-rollback counters (kern/rollback.c):
 * bytes the kernel alone owns that survive a reboot, with NOR flash
 * semantics: erased bytes read 0xff, a write only clears bits, an erase
 * sets whole blocks (at least 4 KiB, at most half the store) back to 0xff.
 * plat_nv_size: its size, 0 if the board has none (the default, weak:
 * kern/nv_none.c). The others return 0, or -1 after logging why: read n
 * bytes at `off`; write n bytes (n and off multiples of 4) onto erased
 * bytes and check them; erase every block that [off, off + n) touches. */
uint64_t plat_nv_size(void);
int plat_nv_read(uint64_t off, void *buf, size_t n);
int plat_nv_write(uint64_t off, const void *buf, size_t n);
int plat_nv_erase(uint64_t off, size_t n);
/* Unmask a granted device IRQ: after its shard acknowledged it, and as the
 * kernel restarts the shard. A line that is not masked stays as it is. */
void plat_irq_unmask(uint32_t irq);
/* Stop every core. Never returns. */
_Noreturn void plat_halt_all(void);

#endif
