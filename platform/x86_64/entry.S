/* x86_64 trap entry and exit.
 *
 * x86_enter_user(ctx) saves the kernel's callee-saved registers on the
 * kernel stack (its rsp in the per-core struct, X86_CPU_KSP), loads the
 * shard's registers from ctx and leaves for CPL 3: by SYSRET when the shard
 * last came in by SYSCALL (trap.c makes sure its RIP is a canonical
 * lower-half address, SDM Vol. 2B SYSRET "Operation"), else by IRETQ. Any
 * way back -- SYSCALL (x86_syscall_entry) or an interrupt or exception
 * from CPL 3 (x86_trap_common, on the TSS rsp0 stack) -- stores the shard's
 * registers into ctx and "returns" from x86_enter_user with the vector
 * number (or X86_TRAP_SYSCALL), RFLAGS cleared (IF = 0, AC = 0: SMAP
 * applies, DF = 0 for C). GS: SWAPGS on every crossing (SDM Vol. 3A
 * §5.8.8), so GS.base is the per-core struct in the kernel.
 *
 * The kernel runs with IF = 0 except inside plat_idle's sti; hlt. An
 * interrupt there, or an exception in the kernel (a bug: x86_panic), is
 * taken on the current stack (the double fault, NMI and machine check on
 * their own IST stacks, cpu.c) and handled by x86_kernel_trap. */
#include <arch/ctx.h>
#include <x86/layout.h>
#include <x86/regs.h>

	/* The shard registers other than rax and rsp (each entry and exit
	 * treats those two on its own), into the context at `base`. */
	.macro	save_regs base
	movq	%rbx, X86_CTX_RBX(\base)
	movq	%rcx, X86_CTX_RCX(\base)
	movq	%rdx, X86_CTX_RDX(\base)
	movq	%rsi, X86_CTX_RSI(\base)
	movq	%rdi, X86_CTX_RDI(\base)
	movq	%rbp, X86_CTX_RBP(\base)
	movq	%r8, X86_CTX_R8(\base)
	movq	%r9, X86_CTX_R9(\base)
	movq	%r10, X86_CTX_R10(\base)
	movq	%r11, X86_CTX_R11(\base)
	movq	%r12, X86_CTX_R12(\base)
	movq	%r13, X86_CTX_R13(\base)
	movq	%r14, X86_CTX_R14(\base)
	movq	%r15, X86_CTX_R15(\base)
	.endm

	.text
	/* One 16-byte stub per vector: the vectors without a CPU-pushed error
	 * code push 0 (SDM Vol. 3A §6.15, "Error Code" of each exception),
	 * then the vector number. */
	.balign	16
	.globl x86_stub_base
x86_stub_base:
	.set	vec, 0
	.rept	256
	.balign	16
	.if	vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || vec == 14 || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	x86_trap_common
	.set	vec, vec + 1
	.endr

	/* Stack: vector, error, RIP, CS, RFLAGS, RSP, SS (§6.14.2). */
x86_trap_common:
	testb	$3, 24(%rsp)
	jz	from_kernel
	swapgs
	/* No GS-relative load may run ahead speculatively on the wrong side
	 * of that branch (CVE-2019-1125, Intel "SWAPGS speculation"): LFENCE
	 * on both paths. */
	lfence
	pushq	%rax
	movq	%gs:X86_CPU_CTX, %rax
	save_regs %rax
	popq	X86_CTX_RAX(%rax)
	popq	%gs:X86_CPU_VECTOR
	popq	%gs:X86_CPU_ERROR
	popq	X86_CTX_RIP(%rax)
	addq	$8, %rsp			/* CS */
	popq	X86_CTX_RFLAGS(%rax)
	popq	X86_CTX_RSP(%rax)
	movq	$0, X86_CTX_SYSRET(%rax)
	movq	%gs:X86_CPU_VECTOR, %rax
	jmp	back_to_kernel

from_kernel:
	lfence
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi			/* struct x86_kframe */
	cld
	call	x86_kernel_trap
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp			/* vector, error */
	iretq

	/* SYSCALL from CPL 3: RCX = RIP, R11 = RFLAGS, RSP still the shard's;
	 * IA32_FMASK cleared IF, so ctx can serve as a base without a stack. */
	.balign	16
	.globl x86_syscall_entry
x86_syscall_entry:
	swapgs
	movq	%rsp, %gs:X86_CPU_SCRATCH
	movq	%gs:X86_CPU_CTX, %rsp
	movq	%rax, X86_CTX_RAX(%rsp)
	save_regs %rsp
	movq	%rcx, X86_CTX_RIP(%rsp)
	movq	%r11, X86_CTX_RFLAGS(%rsp)
	movq	%gs:X86_CPU_SCRATCH, %rax
	movq	%rax, X86_CTX_RSP(%rsp)
	movq	$1, X86_CTX_SYSRET(%rsp)
	movl	$X86_TRAP_SYSCALL, %eax

back_to_kernel:
	movq	%gs:X86_CPU_KSP, %rsp
	pushq	$RFLAGS_FIXED
	popfq
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	/* uint64_t x86_enter_user(struct arch_ctx *ctx) */
	.balign	16
	.globl x86_enter_user
x86_enter_user:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %gs:X86_CPU_KSP
	movq	%rdi, %gs:X86_CPU_CTX
	movq	X86_CTX_RAX(%rdi), %rax
	movq	X86_CTX_RBX(%rdi), %rbx
	movq	X86_CTX_RDX(%rdi), %rdx
	movq	X86_CTX_RSI(%rdi), %rsi
	movq	X86_CTX_RBP(%rdi), %rbp
	movq	X86_CTX_R8(%rdi), %r8
	movq	X86_CTX_R9(%rdi), %r9
	movq	X86_CTX_R10(%rdi), %r10
	movq	X86_CTX_R12(%rdi), %r12
	movq	X86_CTX_R13(%rdi), %r13
	movq	X86_CTX_R14(%rdi), %r14
	movq	X86_CTX_R15(%rdi), %r15
	cmpq	$0, X86_CTX_SYSRET(%rdi)
	je	1f
	/* SYSRET: RIP from RCX, RFLAGS from R11. */
	movq	X86_CTX_RIP(%rdi), %rcx
	movq	X86_CTX_RFLAGS(%rdi), %r11
	movq	X86_CTX_RSP(%rdi), %rsp
	movq	X86_CTX_RDI(%rdi), %rdi
	swapgs
	sysretq
1:	/* IRETQ frame: SS, RSP, RFLAGS, CS, RIP (SDM Vol. 3A §6.14.3). */
	pushq	$X86_UDATA
	pushq	X86_CTX_RSP(%rdi)
	pushq	X86_CTX_RFLAGS(%rdi)
	pushq	$X86_UCODE
	pushq	X86_CTX_RIP(%rdi)
	movq	X86_CTX_RCX(%rdi), %rcx
	movq	X86_CTX_R11(%rdi), %r11
	movq	X86_CTX_RDI(%rdi), %rdi
	swapgs
	iretq
