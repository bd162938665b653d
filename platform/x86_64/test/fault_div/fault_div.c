/* fault_div: x86_64 test shard (tests/qemu/manifests/faults-x86_64.yaml):
 * initialises normally, then divides by zero with IDIV (in assembly: in C
 * it would be undefined behaviour the compiler may drop). The #DE must
 * reach the kernel as a fault (kern has no arithmetic kind: "other") and
 * the on_fault policy applies. */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), will divide by zero", why);
}

void shard_poll(void)
{
	int q;
	tess_log("dividing by zero");
	__asm__ volatile("xorl %%ecx, %%ecx\n movl $1, %%eax\n cltd\n idivl %%ecx"
			 : "=a"(q)
			 :
			 : "rcx", "rdx");
	tess_log("division by zero did not fault (%d)", q);
}
