/* What platforms call: the portable kernel's entry points. */
#ifndef KERN_KERN_H
#define KERN_KERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/tables.h>

struct kern_shard;

/* Once, on the boot core, after the platform set up console and timer:
 * check the tables, build every shard's address space, load the shards.
 * Returns 0, or -1 after printing why (the platform then halts). */
int kern_boot(void);

/* The cooperative scheduler of one core. Never returns. */
_Noreturn void kern_core_main(unsigned core);

/* A device IRQ arrived while this core was in the kernel (idle). The
 * platform masks it first; the owner acks it with TESS_SYS_IRQ_ACK. */
void kern_irq(unsigned core, uint32_t irq);

/* Kernel work the platform did on `core` in interrupt context that is not
 * for the shard whose turn it interrupted (console RX fed to kern/reload,
 * reload_poll on the tick): the time since `since_ns` (plat_time_ns before
 * the work) is not that shard's, so its watchdog clock is moved on by it
 * (docs/design.md "Execution model"). A no-op when the core was idle. Call
 * on `core`, right after the work. */
void kern_irq_work(unsigned core, uint64_t since_ns);

/* A tick of `core`'s timer, counted for inspection (docs/inspect.md).
 * Call from the tick's interrupt path on that core. */
void kern_tick(unsigned core);
/* Yield leases, for a platform where entering the kernel costs far more
 * than what the kernel decides at a YIELD(POLL) (the simulator: two process
 * switches per yield). kern_lease_grant(core) is true when the kernel
 * would resume the shard running on `core` at once after such a yield and
 * do nothing else: no other shard of the core is runnable, nothing is
 * pending for it, no hot reload concerns the core. While the platform holds
 * the lease it may complete that shard's YIELD(POLL)s itself, with an empty
 * set. The kernel revokes it through plat_ipi(core) as soon as that stops
 * being true (a notification for any shard of the core, a reload request,
 * a halt); the platform then lets the next yield trap. Before it hands the
 * kernel the shard's next trap (and before a tick's watchdog check) the
 * platform returns the lease with kern_lease_return: the yields it
 * completed and the time of the last one, which becomes the turn's start
 * (the watchdog's). Call both on `core`, with the shard holding its turn. */
bool kern_lease_grant(unsigned core);
void kern_lease_return(unsigned core, uint64_t yields, uint64_t last_ns);

/* Kernel console line with the "kern| " prefix; printf subset:
 * %s %c %d %u %x %lu %lx %llu %llx %p %%, width and 0-padding. */
void kern_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Bytes as given, as one unit between console lines (a hot reload frame:
 * it never lands inside another line's bytes). */
void kern_console_write(const void *buf, size_t n);

/* Per-shard counters and channel figures as a table on the console. */
void kern_stats_print(void);

const struct tess_shard_cfg *kern_shard_cfg(const struct kern_shard *s);
/* Which lane of its shard `s` is (arch_shard_run's argument): 0 for a
 * single-core shard; its stack and control page are cfg->lanes[lane]'s. */
unsigned kern_shard_lane(const struct kern_shard *s);

/* A data access at `addr` that faulted hit the unmapped guard page below
 * the shard's stack (its stack map, codegen/tessera/plan/layout.py): a
 * stack overflow (FAULT_STACK; kern/stackguard.c). */
bool kern_stack_guard_hit(const struct tess_shard_cfg *cfg, uint64_t addr);
struct kern_shard *kern_shard_by_id(unsigned id);

#endif
