/* fault_kwrite: initialises normally, then writes to the kernel's own
 * image at its kernel virtual address (tess_probe_kernel_va from the
 * platform's shard backend, platform/<arch>/shard/probe.c). Kernel pages
 * are not accessible from user mode, so the store must fault and the
 * on_fault policy applies; the kernel keeps running. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/fault.h"

extern const uint64_t tess_probe_kernel_va __attribute__((weak));

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), will write to kernel memory", why);
}

FAULT_NO_SANITIZE static void kernel_store(uint64_t va)
{
	*(volatile uint64_t *)(uintptr_t)va = 0;
}

void shard_poll(void)
{
	fault_probe(&tess_probe_kernel_va, "kernel", kernel_store);
}
