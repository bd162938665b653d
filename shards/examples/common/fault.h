/* Helpers of the fault-injection example shards. Not a shard. */
#ifndef TESS_EXAMPLE_FAULT_H
#define TESS_EXAMPLE_FAULT_H

#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>

/* Deliberate bad accesses must reach the MMU (or the simulator's SIGSEGV
 * handler) as real faults, not be caught by a sanitizer on the way. */
#define FAULT_NO_SANITIZE __attribute__((no_sanitize("address", "undefined"), noinline))

/* The VA of this shard's private memory (its image map): mem_va. */
static inline uint64_t fault_mem_va(void)
{
	for (unsigned i = 0; i < tess_self.nmaps; i++)
		if (tess_self.maps[i].kind == TESS_MAP_KIND_IMAGE)
			return tess_self.maps[i].va;
	return 0;
}

/* The probe shards' poll (fault_kwrite, fault_mmio): `store` to the
 * address the platform's shard backend names (*addr; addr NULL: it names
 * none, and the shard says so once and idles), which must fault. `what`
 * names the target in the log lines. */
static inline void fault_probe(const uint64_t *addr, const char *what, void (*store)(uint64_t va))
{
	static int told;

	if (!addr) {
		if (!told++)
			tess_log("no %s address known on this platform", what);
		return;
	}
	tess_log("writing to %s at %p", what, (void *)(uintptr_t)*addr);
	store(*addr);
	tess_log("%s write to %p did not fault", what, (void *)(uintptr_t)*addr);
}

#endif
