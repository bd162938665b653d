/* Bring-up stand-ins for what `tessera build` generates next to the tables:
 * the board-check table (gen/platform/board.c; no console IRQ, so hot
 * reload stays off) and the hot-reload device key (gen/kern/reload_key.c). */
#include <plat/board.h>
#include <kern/reload.h>

const struct tess_board tess_board = {"qemu-virt-riscv64", 0x80000000, 0x10000000, 2, 0, 0, 0};
const uint8_t tess_reload_key[RELOAD_KEY_LEN] = {0};
