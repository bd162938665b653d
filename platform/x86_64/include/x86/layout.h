/* Where the x86_64 kernel lives and how its descriptors are numbered.
 * Plain #defines: included by C, assembly and the linker script.
 *
 * Design: the kernel runs in the top 2 GiB (-mcmodel=kernel links it
 * there: its addresses are sign-extended 32-bit immediates), VA = PA +
 * X86_KOFF for RAM in [0, 1 GiB): the linear map is also the link address
 * (the arch table's kva_offset, codegen/tessera/arch.py, passed by
 * `tessera build` as TESS_KVA_OFFSET). That gigabyte is PDPT slot
 * X86_KSLOT_RAM of PML4 slot X86_KSLOT_PML4; the next PDPT slot maps the
 * device gigabyte [3 GiB, 4 GiB) (IOAPIC, local APIC, virtio-mmio)
 * uncached at VA = PA + X86_DEV_KOFF. Every shard's PML4 shares slot
 * X86_KSLOT_PML4 (supervisor-only, global); slots 0..255 are the shard's. */
#ifndef X86_LAYOUT_H
#define X86_LAYOUT_H

#define X86_KOFF TESS_KVA_OFFSET
/* -mcmodel=kernel: RAM's gigabyte and the device gigabyte above it must
 * both lie in the top 2 GiB, each in one PDPT slot (1 GiB aligned): the
 * offset is -2 GiB (unsigned: it wraps to 0 with 2 GiB added). */
#if X86_KOFF + 0x80000000 != 0
#error "TESS_KVA_OFFSET: the x86_64 layout puts RAM's gigabyte at -2 GiB, the start of the top 2 GiB"
#endif
#define X86_KSLOT_PML4 ((X86_KOFF >> 39) & 511)
#define X86_KSLOT_RAM  ((X86_KOFF >> 30) & 511)
#define X86_KSLOT_DEV  (X86_KSLOT_RAM + 1)
#define X86_RAM_LIMIT  0x40000000 /* RAM the kernel map covers: [0, 1 GiB) */
#define X86_DEV_BASE   0xc0000000
#define X86_DEV_KOFF   (X86_KOFF + X86_RAM_LIMIT - X86_DEV_BASE)
/* The arch table's user_va_limit: the last lower-half page stays unmapped
 * (trap.c: no SYSRET to the non-canonical 2^47). */
#define X86_USER_TOP 0x00007ffffffff000

#define X86_STACK_SIZE 16384 /* per core; its lowest page is an unmapped guard */
#define X86_IST_SIZE   4096

/* The AP start-up trampoline (smp.c): real-mode code copied to this page
 * of low RAM; the SIPI vector is its page number (SDM Vol. 3A §8.4.4.1). */
#define X86_TRAMPOLINE_PA 0x8000

/* GDT selectors (gdt in cpu.c). SYSCALL loads CS = STAR[47:32] and
 * SS = +8; 64-bit SYSRET loads CS = STAR[63:48] + 16 and SS = +8, both
 * with RPL 3 (SDM Vol. 3A §5.8.8): hence user data before user code. */
#define X86_KCODE     0x08
#define X86_KDATA     0x10
#define X86_USER_BASE 0x18 /* STAR[63:48]; the descriptor there is not present */
#define X86_UDATA     0x23 /* 0x20 | RPL 3 */
#define X86_UCODE     0x2b /* 0x28 | RPL 3 */
#define X86_TSS_SEL   0x30

/* Interrupt vectors (the local APIC's priority class is vector / 16). */
#define X86_VEC_TICK	0x20
#define X86_VEC_WAKE	0x21
#define X86_VEC_HALT	0x22
#define X86_VEC_CONSOLE 0x23
#define X86_VEC_GSI0	0x40 /* device GSI g arrives on vector 0x40 + g */
#define X86_MAX_GSI	64
#define X86_VEC_SPUR	0xff

/* What x86_enter_user returns besides a vector number. */
#define X86_TRAP_SYSCALL 0x100

/* struct x86_cpu offsets used by entry.S (checked in trap.c). */
#define X86_CPU_SELF	0
#define X86_CPU_CTX	8
#define X86_CPU_KSP	16
#define X86_CPU_VECTOR	24
#define X86_CPU_ERROR	32
#define X86_CPU_SCRATCH 40

#endif
