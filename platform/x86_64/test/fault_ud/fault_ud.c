/* fault_ud: x86_64 test shard (tests/qemu/manifests/faults-x86_64.yaml):
 * initialises normally, then executes UD2, the architecturally undefined
 * instruction (SDM Vol. 2B UD). The #UD must reach the kernel as an undef
 * fault and the on_fault policy applies. */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), will execute an undefined instruction", why);
}

void shard_poll(void)
{
	tess_log("executing ud2");
	__asm__ volatile("ud2");
	tess_log("ud2 did not fault");
}
