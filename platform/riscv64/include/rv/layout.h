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

/* First upper-half Sv39 address: bits 63..38 all ones (priv spec §4.4.1). */
#define RV_KOFF 0xffffffc000000000
/* QEMU virt / OpenSBI fw_dynamic place the next stage 2 MiB into RAM. */
#define RV_RAM_BASE    0x80000000
#define RV_TEXT_OFFSET 0x200000
#define RV_KERNEL_PA   (RV_RAM_BASE + RV_TEXT_OFFSET)
#define RV_STACK_SIZE  16384
/* offsetof(struct tess_system_cfg, console_pa), for head.S (checked in ctx.c). */
#define RV_SYS_CONSOLE_PA 64
/* Root-table slots of the kernel half (each slot maps 1 GiB). */
#define RV_SLOT_DEV 256 /* PA [0, 1 GiB): PLIC, UART, ... */
#define RV_SLOT_RAM 258 /* PA [2 GiB, 3 GiB): RAM */

#endif
