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

/* Compare the DTB at `fdt` with tess_board (RAM, devices, cores) in one
 * walk over the tree, letting the platform see every node on the way
 * (plat_dtb_node), and ask the platform how its cores start
 * (plat_dtb_done); print "kern| dtb: ..." for every difference. Returns 0
 * if all matched, -1 otherwise (platform/common/dtb.c). */
int tess_dtb_check(const void *fdt);

/* A node as the walk hands it over: where it is, the parent's cells (for
 * its reg), the properties every node is looked at for (NULL/0 when
 * absent), and all its properties for dtb_prop. Pointers into the blob,
 * valid as long as it is. */
#define DTB_MAX_PROPS 32 /* more in one node is refused */
struct dtb_prop {
	const char *name;
	const void *value; /* big-endian cells, strings */
	int len;
};
struct dtb_node {
	const void *fdt;
	int depth;	  /* the root is 0 */
	const char *name; /* "cpu@0" */
	int ac, sc;	  /* the parent's #address-cells, #size-cells */
	const void *reg;
	int reg_len;
	const char *compatible; /* a string list */
	int compat_len;
	const char *device_type;
	int type_len;
	const char *status;
	unsigned nprops;
	struct dtb_prop props[DTB_MAX_PROPS];
};
/* The i-th (address, size) pair of n's reg: 0, or -1 if there is none. */
int dtb_reg(const struct dtb_node *n, int i, uint64_t *pa, uint64_t *size);
/* n's property `name` (its length in *len if len), or NULL (*len 0). */
const void *dtb_prop(const struct dtb_node *n, const char *name, int *len);
/* The big-endian cell at p. */
uint32_t dtb_u32(const void *p);
/* A property `len` bytes long is the string `want`. */
bool dtb_is(const char *prop, int len, const char *want);
/* One of n's compatible strings is `want`. */
bool dtb_compatible(const struct dtb_node *n, const char *want);

/* Per platform (aarch64: psci.c; riscv64: dtb.c). plat_dtb_node sees
 * every node of the walk in order and keeps what the platform needs from
 * the tree; -1 after a "kern| dtb: ..." line if a node is wrong.
 * plat_dtb_done, after the walk: what starts the other cores (PSCI on
 * aarch64, SBI HSM on riscv64), recorded for plat_core_start; a short name
 * for the boot log ("psci hvc", ...), or NULL after a "kern| dtb: ..." line
 * if `ncores` cores cannot be started or something the platform needs is
 * missing. */
int plat_dtb_node(const struct dtb_node *n);
const char *plat_dtb_done(unsigned ncores);

#endif
