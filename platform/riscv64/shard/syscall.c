/* System calls from a riscv64 shard: ecall from U-mode (priv spec v1.12
 * §3.3.1), number in a7, arguments in a0..a3, result in a0 -- the layout
 * platform/riscv64/trap.c decodes. */
#include <tessera/shard.h>

uint64_t tess_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r_a0 __asm__("a0") = a0;
	register uint64_t r_a1 __asm__("a1") = a1;
	register uint64_t r_a2 __asm__("a2") = a2;
	register uint64_t r_a3 __asm__("a3") = a3;
	register uint64_t r_a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a7) : "memory");
	return r_a0;
}
