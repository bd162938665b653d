/* fault_trap: x86_64 test shard (tests/qemu/manifests/faults-x86_64.yaml):
 * one CPU exception per start, each of which the kernel must report and
 * answer with the on_fault policy (restart, then the next one; the
 * control page counts the restarts):
 *   0: UD2, the architecturally undefined instruction (SDM Vol. 2B UD):
 *      #UD, an undef fault;
 *   1: IDIV by zero (in assembly: in C it would be undefined behaviour the
 *      compiler may drop): #DE, "other" (kern has no arithmetic kind);
 *   2: OUT to I/O port 0x3f8, the kernel's console UART: shards run with
 *      IOPL 0 and no I/O permission bitmap, so #GP, reported as a write to
 *      that port.
 * Logs "trap N: <what>" before each, "trap N: <what> did not fault" if it
 * returns (then sleeps), "traps done (N)" after the last, then sleeps. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define PORT 0x3f8

static const char *const traps[] = {"ud2", "division by zero", "write to I/O port 0x3f8"};

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d)", why);
}

void shard_poll(void)
{
	unsigned i = tess_ctrl()->restarts; /* one trap per start */
	int q = 0;

	if (i < sizeof(traps) / sizeof(traps[0])) {
		tess_log("trap %u: %s", i, traps[i]);
		switch (i) {
		case 0:
			__asm__ volatile("ud2");
			break;
		case 1:
			__asm__ volatile("xorl %%ecx, %%ecx\n movl $1, %%eax\n cltd\n idivl %%ecx"
					 : "=a"(q)
					 :
					 : "rcx", "rdx");
			break;
		case 2:
			__asm__ volatile("outb %b0, %w1" ::"a"((uint8_t)'X'), "Nd"((uint16_t)PORT));
			break;
		}
		tess_log("trap %u: %s did not fault (%d)", i, traps[i], q);
	} else {
		tess_log("traps done (%u)", i);
	}
	/* Nothing notifies this shard: it sleeps for good. */
	tess_syscall(TESS_SYS_YIELD, TESS_YIELD_WAIT, 0, 0, 0);
}
