/* Boot-time check that the device tree the firmware (or QEMU) passed
 * matches the board file the image was planned for: RAM, the devices the
 * manifest uses, the cores. Every difference is printed; any difference
 * stops the boot before a shard runs. Devicetree Specification v0.4:
 * 2.3.4 status, 2.3.5 #address-cells/#size-cells, 2.3.6 reg, 3.4 /memory,
 * 3.7-3.8 /cpus; ch. 5 the flattened format read here.
 *
 * One walk over the tree with libfdt: the header checked once
 * (fdt_check_header), then the structure block's tags in order
 * (fdt_next_tag, which bounds-checks each against the header's sizes: the
 * tree is the firmware's, trusted for what it says, not for being well
 * formed), each property read once (fdt_getprop_by_offset). Every node is
 * matched against every board device, core and the RAM, and shown to the
 * platform (plat_dtb_node), which asks for what it needs with dtb_prop.
 * The parent's cells come from a stack kept on the way down. The platform
 * is asked at the end how its cores start (plat_dtb_done). Costs under
 * -icount (bench/README.md "Boot"): libfdt lookups from the root (one
 * scan per device, per core and per parent) took 6 ms of the aarch64 boot;
 * this walk 0.21 ms (libfdt.cmake: -O2, ASSUME_LATEST), the hand-written
 * walker of cd42137 0.11 ms; fdt_next_node with fdt_for_each_property_offset
 * (which re-walk every tag and re-scan every node name several times)
 * 0.54 ms. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <libfdt.h>
#include <kern/kern.h>
#include <plat/board.h>

#define MAX_DEPTH 16
#define MAX_DEVS  64 /* board devices a manifest can use: far more than grants */

/* A big-endian cell at any alignment. */
static uint32_t be32(const void *p)
{
	return fdt32_ld(p);
}

int dtb_reg(const struct dtb_node *n, int i, uint64_t *pa, uint64_t *size)
{
	const uint8_t *r = n->reg;

	if (!r || n->ac < 1 || n->ac > 2 || n->sc < 0 || n->sc > 2 ||
	    n->reg_len < (i + 1) * (n->ac + n->sc) * 4)
		return -1;
	r += i * (n->ac + n->sc) * 4;
	*pa = be32(r);
	if (n->ac == 2)
		*pa = *pa << 32 | be32(r + 4);
	*size = 0;
	for (int k = 0; k < n->sc; k++)
		*size = *size << 32 | be32(r + 4 * (n->ac + k));
	return 0;
}

const void *dtb_prop(const struct dtb_node *n, const char *name, int *len)
{
	for (unsigned i = 0; i < n->nprops; i++) {
		if (strcmp(n->props[i].name, name) == 0) {
			if (len)
				*len = n->props[i].len;
			return n->props[i].value;
		}
	}
	if (len)
		*len = 0;
	return NULL;
}

uint32_t dtb_u32(const void *p)
{
	return be32(p);
}

bool dtb_is(const char *prop, int len, const char *want)
{
	size_t n = strlen(want) + 1;

	return prop && len >= (int)n && memcmp(prop, want, n) == 0;
}

bool dtb_compatible(const struct dtb_node *n, const char *want)
{
	size_t wl = strlen(want) + 1;

	for (int at = 0; at < n->compat_len;) {
		const char *s = n->compatible + at;
		size_t l = strnlen(s, (size_t)(n->compat_len - at)) + 1;

		if (l == wl && memcmp(s, want, wl) == 0)
			return true;
		at += (int)l;
	}
	return false;
}

/* What the walk found of the board. */
static struct {
	bool ram;
	uint32_t cpus;		    /* bit c: an enabled cpu with reg c */
	uint64_t devs;		    /* bit i: board device i matched */
	uint64_t seen;		    /* bit i: its compatible was seen at another address */
	uint64_t seen_pa[MAX_DEVS]; /* ...the first such address */
} got;

static void match(const struct dtb_node *n)
{
	uint64_t pa, size;

	if (dtb_reg(n, 0, &pa, &size) < 0)
		return;
	if (dtb_is(n->device_type, n->type_len, "memory")) {
		uint64_t lo = tess_board.ram_pa, hi = lo + tess_board.ram_size;

		for (int i = 0; dtb_reg(n, i, &pa, &size) == 0; i++)
			got.ram |= pa <= lo && hi <= pa + size;
		return;
	}
	if (dtb_is(n->device_type, n->type_len, "cpu")) {
		/* Core c of the manifest is the enabled CPU (status absent or
		 * "okay") whose reg is c (MPIDR affinity on aarch64, hart id on
		 * riscv64). */
		if ((!n->status || n->status[0] == 'o') && pa < tess_board.ncores)
			got.cpus |= 1u << pa;
		return;
	}
	for (unsigned i = 0; i < tess_board.ndevs; i++) {
		const struct tess_board_dev *d = &tess_board.devs[i];

		if (got.devs >> i & 1 || (d->compatible && !dtb_compatible(n, d->compatible)))
			continue;
		if (pa == d->pa && size >= d->size)
			got.devs |= 1ull << i;
		else if (d->compatible && !(got.seen >> i & 1)) {
			got.seen |= 1ull << i;
			got.seen_pa[i] = pa;
		}
	}
}

/* The property at `off` into n: 0, or 1 after a "kern| dtb: ..." line. */
static int add_prop(struct dtb_node *n, int off)
{
	const char *name;
	int len;
	const void *v = fdt_getprop_by_offset(n->fdt, off, &name, &len);

	if (!v) {
		kern_log("dtb: node %s: %s", n->name, fdt_strerror(len));
		return 1;
	}
	if (n->nprops == DTB_MAX_PROPS) {
		kern_log("dtb: node %s: more than %u properties", n->name, DTB_MAX_PROPS);
		return 1;
	}
	n->props[n->nprops++] = (struct dtb_prop){name, v, len};
	return 0;
}

/* The node's own cells for its children, then the board and the platform
 * look at it. */
static int look(struct dtb_node *n, int cells[][2])
{
	const void *v;
	int len;

	cells[n->depth][0] = (v = dtb_prop(n, "#address-cells", &len)) && len == 4 ? (int)be32(v) : 2;
	cells[n->depth][1] = (v = dtb_prop(n, "#size-cells", &len)) && len == 4 ? (int)be32(v) : 1;
	n->reg = dtb_prop(n, "reg", &n->reg_len);
	n->compatible = dtb_prop(n, "compatible", &n->compat_len);
	n->device_type = dtb_prop(n, "device_type", &n->type_len);
	n->status = dtb_prop(n, "status", NULL);
	match(n);
	return plat_dtb_node(n) < 0;
}

/* One walk over the structure block's tags in order (fdt_next_tag, which
 * bounds-checks each against the header's sizes). A node's properties
 * precede its children (DT spec 5.4.1), so a node is complete at the
 * next FDT_BEGIN_NODE or FDT_END_NODE: then it is looked at. */
static int walk(const void *fdt)
{
	int cells[MAX_DEPTH + 1][2], depth = -1, problems = 0, off, next;
	struct dtb_node n = {.fdt = fdt};
	bool open = false; /* n is a node whose children have not begun */

	for (off = 0;; off = next) {
		uint32_t tag = fdt_next_tag(fdt, off, &next);

		if (tag == FDT_NOP)
			continue;
		if (tag == FDT_PROP && depth >= 0) {
			if (open && add_prop(&n, off))
				return problems + 1;
			continue;
		}
		if (open)
			problems += look(&n, cells);
		open = false;
		if (tag == FDT_END && next >= 0 && depth == -1)
			return problems;
		if (tag == FDT_END_NODE && depth >= 0) {
			depth--;
			continue;
		}
		if (tag != FDT_BEGIN_NODE)
			break;
		depth++;
		open = depth <= MAX_DEPTH; /* deeper nodes are walked over, not looked at */
		if (open) {
			n.depth = depth;
			n.name = fdt_offset_ptr(fdt, off + FDT_TAGSIZE, 1); /* NUL-terminated: fdt_next_tag */
			n.ac = depth ? cells[depth - 1][0] : 2;
			n.sc = depth ? cells[depth - 1][1] : 1;
			n.nprops = 0;
		}
	}
	kern_log("dtb: malformed structure block near offset %d", off);
	return problems + 1;
}

int tess_dtb_check(const void *fdt)
{
	int err = fdt_check_header(fdt);
	const char *start;
	int problems;

	/* libfdt is built for version 17 trees only (libfdt.cmake); the
	 * magic first, so that the version read is a tree's. */
	if (!err && (fdt_version(fdt) < 17 || fdt_last_comp_version(fdt) > 17))
		err = -FDT_ERR_BADVERSION;
	if (err) {
		kern_log("dtb: no valid device tree (%s)", fdt_strerror(err));
		return -1;
	}
	if (tess_board.ndevs > MAX_DEVS) {
		kern_log("dtb: %u board devices to check, this kernel checks at most %u", tess_board.ndevs,
			 MAX_DEVS);
		return -1;
	}
	memset(&got, 0, sizeof(got));
	problems = walk(fdt);
	if (!got.ram) {
		kern_log("dtb: board RAM 0x%lx-0x%lx is not inside any /memory range of the DTB",
			 (unsigned long)tess_board.ram_pa,
			 (unsigned long)(tess_board.ram_pa + tess_board.ram_size));
		problems++;
	}
	for (unsigned i = 0; i < tess_board.ndevs; i++) {
		const struct tess_board_dev *d = &tess_board.devs[i];
		const char *compat = d->compatible ? d->compatible : "any compatible";

		if (got.devs >> i & 1)
			continue;
		problems++;
		if (got.seen >> i & 1)
			kern_log("dtb: device %s (%s): board file says 0x%lx, DTB has it at 0x%lx", d->name,
				 compat, (unsigned long)d->pa, (unsigned long)got.seen_pa[i]);
		else
			kern_log("dtb: device %s (%s) at 0x%lx: not in the DTB", d->name, compat,
				 (unsigned long)d->pa);
	}
	for (unsigned c = 0; c < tess_board.ncores; c++) {
		if (got.cpus >> c & 1)
			continue;
		kern_log("dtb: manifest uses core %u, the DTB has no cpu with reg %u", c, c);
		problems++;
	}
	start = plat_dtb_done(tess_board.ncores);
	problems += !start;
	if (problems)
		return -1;
	kern_log("dtb: RAM, %u devices and %u cores match board %s (cores start via %s)", tess_board.ndevs,
		 tess_board.ncores, tess_board.name, start);
	return 0;
}
