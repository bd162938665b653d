/* The anti-rollback floor of each shard (docs/reload.md "Replay and
 * rollback"): hot reload accepts a package only if its version id is above
 * both the running version and the shard's floor, the highest of its boot
 * image's part version (plat_shard_boot_version) and every version it
 * ever accepted.
 *
 * Where the platform has a persistent store (plat_nv_*: a kernel-owned
 * flash bank on QEMU virt, a file in the simulator), every accepted
 * version is recorded there too, so the floor survives a reboot: a package
 * once replaced cannot be sent again after a restart. The store behaves
 * like NOR flash (erased bytes read 0xff, a write only clears bits, erase
 * works on whole blocks) and holds two halves, at 0 and at size / 2 (so in
 * different erase blocks), each a log of LOG_BYTES:
 *
 *   header, 16 bytes: magic "TSRH", generation, ~generation, 0xffffffff
 *   records, 48 bytes each: magic "TSRB", check, name[32], version u64
 *
 * The live half is the valid one with the higher generation. A record
 * goes into the first slot that is still all 0xff, its magic written last:
 * a record a power loss cut short has no magic (or a bad check) and is
 * skipped, and its slot is not used again. When the live log is full, the
 * other half is erased and gets the recorded version of every shard of
 * this system, then its header (generation + 1): until that header is
 * complete, the old half stays live. Only the kernel writes here, so the
 * check is against torn writes, not against forgery. */
#include <stdbool.h>
#include <kern/lib.h>
#include <kern/priv.h>

#define LOG_BYTES 4096u	      /* of each half; inside one erase block */
#define HDR_MAGIC 0x48525354u /* "TSRH" */
#define REC_MAGIC 0x42525354u /* "TSRB" */

struct nv_hdr {
	uint32_t magic, gen, ngen, unused;
};
struct nv_rec {
	uint32_t magic, check;
	char name[32];
	uint64_t version;
};
_Static_assert(sizeof(struct nv_hdr) == 16 && sizeof(struct nv_rec) == 48, "store layout");
#define NSLOTS ((unsigned)((LOG_BYTES - sizeof(struct nv_hdr)) / sizeof(struct nv_rec)))

static struct {
	bool on;
	uint64_t half; /* offset of the live half */
	uint32_t gen;
	unsigned next;			  /* its first free slot */
	uint64_t stored[TESS_MAX_SHARDS]; /* highest version recorded, 0: none */
	uint64_t boot[TESS_MAX_SHARDS];	  /* the boot image's version */
	unsigned records;		  /* complete records read at boot */
} nv;

/* FNV-1a over name and version: a complete record, not one cut short. */
static uint32_t check_of(const struct nv_rec *r)
{
	const uint8_t *p = (const uint8_t *)r->name;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(r->name) + sizeof(r->version); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint64_t slot_off(uint64_t half, unsigned i)
{
	return half + sizeof(struct nv_hdr) + (uint64_t)i * sizeof(struct nv_rec);
}

static bool erased(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xff)
			return false;
	return true;
}

/* The generation of the half at `half`; 0 if it has no valid header. */
static uint32_t half_gen(uint64_t half)
{
	struct nv_hdr h;

	if (plat_nv_read(half, &h, sizeof(h)) != 0 || h.magic != HDR_MAGIC || h.ngen != ~h.gen || !h.gen)
		return 0;
	return h.gen;
}

/* Magic last, in both writers. */
static int write_hdr(uint64_t half, uint32_t gen)
{
	struct nv_hdr h = {HDR_MAGIC, gen, ~gen, 0xffffffffu};

	if (plat_nv_write(half + 4, &h.gen, sizeof(h) - 4) != 0)
		return -1;
	return plat_nv_write(half, &h.magic, 4);
}

static int write_rec(uint64_t half, unsigned slot, const char *name, uint64_t version)
{
	struct nv_rec r;

	/* Hot reload takes shard names of at most 31 bytes (docs/reload.md). */
	memset(&r, 0, sizeof(r));
	r.magic = REC_MAGIC;
	for (size_t i = 0; i < sizeof(r.name) - 1 && name[i]; i++)
		r.name[i] = name[i];
	r.version = version;
	r.check = check_of(&r);
	if (plat_nv_write(slot_off(half, slot) + 4, &r.check, sizeof(r) - 4) != 0)
		return -1;
	return plat_nv_write(slot_off(half, slot), &r.magic, 4);
}

static struct kern_shard *shard_named(const char *name)
{
	for (unsigned i = 0; i < kern_sys->nshards; i++)
		if (!strcmp(kern_sys->shards[i].name, name))
			return &kern_shards[i];
	return 0;
}

/* Read the live half: every complete record of a shard of this system
 * raises its recorded version. Returns the first free slot, or -1. */
static int scan(uint64_t half)
{
	struct nv_rec r;

	for (unsigned i = 0; i < NSLOTS; i++) {
		struct kern_shard *s;

		if (plat_nv_read(slot_off(half, i), &r, sizeof(r)) != 0)
			return -1;
		if (erased(&r, sizeof(r)))
			return (int)i;
		if (r.magic != REC_MAGIC || r.check != check_of(&r) || r.name[sizeof(r.name) - 1])
			continue; /* cut short: skipped, its slot stays used */
		nv.records++;
		s = shard_named(r.name);
		if (s && r.version > nv.stored[s->cfg->id])
			nv.stored[s->cfg->id] = r.version;
	}
	return (int)NSLOTS;
}

/* No valid half: the store never held counters (or lost both headers). */
static int format(void)
{
	if (plat_nv_erase(0, LOG_BYTES) != 0 || write_hdr(0, 1) != 0)
		return -1;
	nv.half = 0;
	nv.gen = 1;
	nv.next = 0;
	kern_log("rollback: persistent store formatted (it held no counters)");
	return 0;
}

static int open_store(void)
{
	uint64_t size = plat_nv_size(), b = size / 2;
	uint32_t ga, gb;
	int next;

	if (size < 2 * (uint64_t)LOG_BYTES)
		return -1;
	ga = half_gen(0);
	gb = half_gen(b);
	if (!ga && !gb)
		return format();
	nv.half = gb > ga ? b : 0;
	nv.gen = gb > ga ? gb : ga;
	next = scan(nv.half);
	if (next < 0)
		return -1;
	nv.next = (unsigned)next;
	kern_log("rollback: counters in the persistent store: generation %u, %u records", nv.gen, nv.records);
	return 0;
}

void kern_rollback_boot(void)
{
	memset(&nv, 0, sizeof(nv));
	for (unsigned i = 0; i < kern_sys->nshards; i++) {
		struct kern_shard *s = &kern_shards[i];

		nv.boot[i] = s->floor = s->version;
	}
	if (!plat_nv_size())
		return; /* no store: each boot starts at the image's versions */
	nv.on = open_store() == 0;
	if (!nv.on) {
		kern_log("rollback: persistent store unusable: floors are the boot image's versions");
		return;
	}
	for (unsigned i = 0; i < kern_sys->nshards; i++) {
		struct kern_shard *s = &kern_shards[i];

		if (nv.stored[i] > s->floor) {
			s->floor = nv.stored[i];
			kern_log("rollback: shard %s: floor version %llu (accepted before), boot image "
				 "version %llu",
				 s->cfg->name, (unsigned long long)s->floor, (unsigned long long)nv.boot[i]);
		}
	}
}

/* The live log is full: the other half gets every shard's recorded
 * version (the one just accepted included), then its header; from then on
 * it is the live half. */
static int compact(void)
{
	uint64_t other = nv.half ? 0 : plat_nv_size() / 2;
	unsigned n = 0;

	if (plat_nv_erase(other, LOG_BYTES) != 0)
		return -1;
	for (unsigned i = 0; i < kern_sys->nshards; i++)
		if (nv.stored[i] && write_rec(other, n++, kern_sys->shards[i].name, nv.stored[i]) != 0)
			return -1;
	if (write_hdr(other, nv.gen + 1) != 0)
		return -1;
	nv.half = other;
	nv.gen++;
	nv.next = n;
	return 0;
}

void kern_rollback_accepted(struct kern_shard *s, uint64_t version)
{
	unsigned id = s->cfg->id;

	if (version > s->floor)
		s->floor = version;
	if (!nv.on || version <= nv.stored[id])
		return;
	nv.stored[id] = version;
	if (nv.next < NSLOTS ? write_rec(nv.half, nv.next++, s->cfg->name, version) == 0 : compact() == 0)
		return;
	kern_log("rollback: shard %s: version %llu not recorded in the persistent store: a reboot forgets it",
		 s->cfg->name, (unsigned long long)version);
	nv.next = NSLOTS; /* the next one starts a fresh half */
}
