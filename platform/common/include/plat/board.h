/* What the board file promises, for the boot-time device-tree check.
 * Emitted per manifest by `tessera build` (codegen/templates/board.c.j2)
 * into <gen>/platform/board.c from the board YAML. */
#ifndef PLAT_BOARD_H
#define PLAT_BOARD_H

#include <stdbool.h>
#include <stdint.h>

struct tess_board_dev {
	const char *name;	/* board file's device name */
	const char *compatible; /* DTB compatible string; NULL: match by address only */
	uint64_t pa, size;	/* first reg entry */
};

struct tess_board {
	const char *name;
	uint64_t ram_pa, ram_size;
	uint16_t ncores; /* cores the manifest uses: /cpus must have them */
	uint16_t ndevs;
	const struct tess_board_dev *devs;
	uint32_t console_irq; /* the console's interrupt (RX for hot reload); 0: none */
};

extern const struct tess_board tess_board;

/* Compare the DTB at `fdt` with tess_board (RAM, devices, cores) and ask
 * the platform how its cores start; print "kern| dtb: ..." for every
 * difference. Returns 0 if all matched, -1 otherwise (platform/common/dtb.c). */
int tess_dtb_check(const void *fdt);

/* Per platform (aarch64: PSCI from /psci, psci.c; riscv64: SBI HSM,
 * dtb.c): what starts the other cores. Records what the platform needs
 * for plat_core_start and returns a short name for the boot log ("psci
 * hvc", ...), or logs "dtb: ..." and returns NULL if `ncores` cores
 * cannot be started. */
const char *plat_dtb_core_start(const void *fdt, unsigned ncores);

#endif
