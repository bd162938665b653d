/* fault_mmio: initialises normally, then writes to a device it was not
 * granted: the platform's console at its physical address (what a driver
 * assuming an identity map would do). Only granted MMIO windows are mapped
 * for a shard, so the store must fault and the on_fault policy applies.
 * The address comes from the platform's shard backend (tess_probe_device_pa,
 * platform/<arch>/shard/probe.c); without one the shard says so and idles. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/fault.h"

extern const uint64_t tess_probe_device_pa __attribute__((weak));

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), will write to an ungranted device", why);
}

FAULT_NO_SANITIZE static void mmio_store(uint64_t va)
{
	*(volatile uint32_t *)(uintptr_t)va = 'X';
}

void shard_poll(void)
{
	fault_probe(&tess_probe_device_pa, "device", mmio_store);
}
