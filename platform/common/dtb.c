/* Boot-time check that the device tree the firmware (or QEMU) passed
 * matches the board file the image was planned for: RAM, the devices the
 * manifest uses, the cores. Every difference is printed; any difference
 * stops the boot before a shard runs. Devicetree Specification v0.4:
 * 2.3.4 status, 2.3.5 #address-cells/#size-cells, 2.3.6 reg, 3.4 /memory,
 * 3.7-3.8 /cpus; ch. 5 the flattened format read here.
 *
 * One walk over the structure block, every token bounds-checked against
 * the header's sizes (the tree is the firmware's: trusted for what it
 * says, not for being well formed). A node's properties precede its
 * children (5.4.1), so a node is complete at its first child or its end:
 * then it is matched against every board device, core and the RAM, and
 * shown to the platform (plat_dtb_node), which asks for what it needs
 * with dtb_prop. The parent's cells come from a stack kept on the way
 * down. The platform is asked at the end how its cores start
 * (plat_dtb_done). Before, libfdt lookups (one scan from the root per
 * device, per core and per parent) took 6 ms of the aarch64 boot under
 * -icount (bench/README.md "QEMU figures"). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <kern/kern.h>
#include <plat/board.h>

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u /* 5.4.1 */
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP	       4u
#define FDT_END	       9u
#define MAX_DEPTH      16 /* deeper nodes are walked over, not looked at */
#define MAX_DEVS       64 /* board devices a manifest can use: far more than grants */

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
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

/* The node is complete: its own cells for its children, then the board
 * and the platform look at it. */
static int done(struct dtb_node *n, int cells[][2])
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

/* 5.2: the header, and every block inside the blob. */
static const char *header(const uint8_t *h)
{
	uint32_t total = be32(h + 4), st = be32(h + 8), str = be32(h + 12);

	if (be32(h) != FDT_MAGIC)
		return "bad magic";
	if (be32(h + 20) < 17) /* size_dt_struct is there from version 17 on */
		return "version before 17";
	if (st % 4 || st > total || be32(h + 36) > total - st || str > total || be32(h + 32) > total - str)
		return "blocks outside the blob";
	return NULL;
}

/* A NUL-terminated string at s[0..max) : its length, or -1. */
static int str_len(const char *s, uint32_t max)
{
	const char *z = memchr(s, 0, max);

	return z ? (int)(z - s) : -1;
}

static int walk(const uint8_t *fdt)
{
	const uint8_t *st = fdt + be32(fdt + 8);
	const char *strs = (const char *)fdt + be32(fdt + 12);
	uint32_t size = be32(fdt + 36), nstr = be32(fdt + 32), at = 0;
	int cells[MAX_DEPTH + 1][2], depth = -1, problems = 0;
	struct dtb_node n = {.fdt = fdt};
	bool open = false; /* n is a node whose children have not begun */

	while (at + 4 <= size) {
		uint32_t tok = be32(st + at), vlen, off;
		int len;

		at += 4;
		if (tok == FDT_NOP)
			continue;
		if (tok == FDT_PROP) {
			if (depth < 0 || at + 8 > size)
				break;
			vlen = be32(st + at);
			off = be32(st + at + 4);
			if (vlen > size - at - 8 || off >= nstr || str_len(strs + off, nstr - off) < 0)
				break;
			if (open && n.nprops == DTB_MAX_PROPS) {
				kern_log("dtb: node %s: more than %u properties", n.name, DTB_MAX_PROPS);
				problems++;
			}
			if (open && n.nprops < DTB_MAX_PROPS)
				n.props[n.nprops++] = (struct dtb_prop){strs + off, st + at + 8, (int)vlen};
			at = (at + 8 + vlen + 3) & ~3u;
			continue;
		}
		if (open)
			problems += done(&n, cells);
		open = false;
		if (tok == FDT_END && depth == -1)
			return problems;
		if (tok == FDT_END_NODE && depth >= 0) {
			depth--;
			continue;
		}
		if (tok != FDT_BEGIN_NODE || (len = str_len((const char *)st + at, size - at)) < 0)
			break;
		depth++;
		open = depth <= MAX_DEPTH;
		if (open) {
			n.depth = depth;
			n.name = (const char *)st + at;
			n.ac = depth ? cells[depth - 1][0] : 2;
			n.sc = depth ? cells[depth - 1][1] : 1;
			n.nprops = 0;
		}
		at = (at + (uint32_t)len + 1 + 3) & ~3u;
	}
	kern_log("dtb: malformed structure block near offset %u", at);
	return problems + 1;
}

int tess_dtb_check(const void *fdt)
{
	const char *bad = header(fdt);
	const char *start;
	int problems;

	if (bad) {
		kern_log("dtb: no valid device tree (%s)", bad);
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
