/* Shard images in memory, shared by the target platforms (platform/common/
 * load.c): the flashable image's parts, the committed hot-reload image, and
 * the install that copies either into a shard's private memory. */
#ifndef PLAT_LOAD_H
#define PLAT_LOAD_H

#include <stdint.h>
#include <tessera/tables.h>
#include "../../../../kern/image/sha256.h"

struct tess_img_hdr;

/* Verify the image the boot loader placed at _start (kern/image), hashing
 * with the CPU's SHA-256 instructions where arch_sha256 has them. */
int plat_image_check(void);
/* The header plat_image_check verified (NULL before it ran). */
const struct tess_img_hdr *plat_image_hdr(void);
/* Bytes of the shard's boot image mapped read+execute (its W^X split). */
uint64_t plat_image_exec_size(const char *shard);

/* ---- implemented by each target platform ---- */

/* Physical address of a kernel image symbol. */
uint64_t arch_kernel_pa(const void *kva);
/* Remap the shard's image: the first `rx` bytes R+X, the rest R+W. */
int arch_mmu_set_exec(const struct tess_shard_cfg *cfg, uint64_t rx);
/* Zero n bytes at kernel address p (a shard's .bss and stack at every
 * (re)start): memset, or a cache-block zeroing instruction where the
 * CPU has one. */
void arch_zero(void *p, uint64_t n);
/* `n` bytes of new code were written at kernel address `dst`: make
 * instruction fetches on every core see them. */
void arch_code_written(uint8_t *dst, uint64_t n);
/* The CPU's SHA-256 compression function, found at boot (an ID register,
 * the DTB's ISA string), and what to call it in the log; NULL: none. */
sha256_blocks_fn *arch_sha256(const char **what);

#endif
