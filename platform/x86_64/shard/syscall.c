/* System calls from an x86_64 shard: SYSCALL with the number in rax,
 * arguments in rdi, rsi, rdx, r10, result in rax; the CPU clobbers rcx and
 * r11 (SDM Vol. 2B SYSCALL) -- the layout platform/x86_64/trap.c decodes. */
#include <tessera/shard.h>

uint64_t tess_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r10 __asm__("r10") = a3;
	uint64_t ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}
