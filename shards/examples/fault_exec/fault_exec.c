/* fault_exec: initialises normally, then calls into its own data (a zeroed
 * buffer in .bss, mapped read-write and never executable). The instruction
 * fetch must fault (aarch64: instruction abort, UXN; simulator: SIGSEGV) and
 * the kernel applies the shard's on_fault policy. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"
#include "../common/fault.h"

static uint32_t not_code[16];

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), will execute data", why);
}

FAULT_NO_SANITIZE static void jump(uintptr_t target)
{
	void (*fn)(void) = (void (*)(void))target;

	fn();
}

void shard_poll(void)
{
	tess_log("calling data at %p", (void *)not_code);
	jump((uintptr_t)not_code);
	tess_log("executing data at %p did not fault", (void *)not_code);
}
