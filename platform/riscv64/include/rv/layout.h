/* Where the riscv64 kernel lives. Included by C, assembly and the linker
 * script (plain #defines only).
 *
 * Design: the kernel runs in the upper half of Sv39 (VA = PA + RV_KOFF, root
 * slots 256..511). Every shard's root table shares those slots as global,
 * supervisor-only mappings, so a trap needs no satp switch, and the lower
 * half (root slots 0..255) belongs entirely to the shard: its user VAs can
 * never collide with kernel or physical addresses. */
#ifndef RV_LAYOUT_H
#define RV_LAYOUT_H

/* The arch table's numbers (codegen/tessera/arch.py), passed by `tessera
 * build` to the kernel's compile (cmake/target.cmake): the kernel VA offset
 * (kva_offset: the first upper-half Sv39 address, bits 63..38 all ones,
 * priv spec §4.4.1), the board's kernel reserve (= the start of RAM, which
 * CMakeLists.txt checks is gigapage aligned) and where the boot loader
 * places the image in it (text_offset: after OpenSBI fw_dynamic). */
#define RV_KOFF	       TESS_KVA_OFFSET
#define RV_RAM_BASE    TESS_KERNEL_PA
#define RV_TEXT_OFFSET TESS_TEXT_OFFSET
#define RV_KERNEL_PA   TESS_KERNEL_LOAD_PA
#define RV_STACK_SIZE  16384
/* The lowest page of each kernel stack is left unmapped (mmu_kernel.c): a
 * kernel stack overflow faults there (panic.c names it). */
#define RV_STACK_GUARD 4096
/* offsetof(struct tess_system_cfg, console_pa), for head.S (checked in ctx.c). */
#define RV_SYS_CONSOLE_PA 64
/* Root-table slots of the kernel half (each slot maps 1 GiB). */
#define RV_SLOT_DEV 256				/* PA [0, 1 GiB): PLIC, UART, ... */
#define RV_SLOT_RAM (256 + (RV_RAM_BASE >> 30)) /* the RAM gigapage (QEMU virt: 258) */

#endif
