/* The Tessera image header (docs/image.md): after the arch's boot header
 * and kernel, a versioned table of parts, each with its SHA-256, then each
 * part's version id (a u64 per part, in table order: the version a shard
 * runs at boot and the floor below which hot reload refuses packages).
 * Written by codegen/tessera/image.py, checked at boot by
 * tess_image_verify before any shard runs. All fields little endian. */
#ifndef KERN_IMAGE_IMAGE_H
#define KERN_IMAGE_IMAGE_H

#include <stdint.h>
#include <tessera/limits.h>
#include <tessera/tables.h>
#include "sha256.h"

#define TESS_IMG_MAGIC	   "TESSIMG"
#define TESS_IMG_VERSION   2u /* 2: part versions after the part table */
#define TESS_IMG_MAX_PARTS (1 + TESS_MAX_SHARDS)
#define TESS_IMG_NAME	   32

enum tess_img_kind { TESS_IMG_KERNEL = 0, TESS_IMG_SHARD = 1 };

struct tess_img_part {
	char name[TESS_IMG_NAME]; /* NUL padded; "kernel" or the shard's name */
	uint32_t kind;		  /* enum tess_img_kind */
	/* Shard: pages from load_pa holding code and read-only data (mapped
	 * read + execute); the rest of the image map is read-write, never
	 * executable. Kernel: 0. */
	uint32_t exec_pages;
	uint64_t offset; /* from the start of the image */
	uint64_t size;
	uint64_t load_pa; /* kernel: its load PA; shard: its mem_pa */
	uint8_t sha256[32];
};

struct tess_img_hdr {
	char magic[8]; /* "TESSIMG\0" */
	uint32_t version;
	uint32_t nparts;
	uint64_t total_size; /* bytes of the whole image */
	uint64_t hdr_size;   /* this header + the part table + the part versions */
	uint8_t manifest_hash[32];
	uint8_t hdr_sha256[32]; /* of header + part table with this field zeroed */
	struct tess_img_part parts[];
};

_Static_assert(sizeof(struct tess_img_part) == 96, "image part layout");
_Static_assert(sizeof(struct tess_img_hdr) == 96, "image header layout");

/* Check the header at `hdr` of the image loaded at `img` (avail bytes are
 * addressable): magic, version, header hash, manifest hash against the
 * tables, every part's SHA-256, and that every shard of the tables has a
 * part that fits its memory. Logs "kern| image: ..." and returns -1 on the
 * first problem; 0 if all is well. */
int tess_image_verify(const uint8_t *img, uint64_t avail, const struct tess_img_hdr *hdr,
		      const struct tess_system_cfg *sys);
/* Hash with `f` from now on (the CPU's SHA-256 instructions, called
 * `what` in the log; NULL: the portable function) if it and the portable
 * function compute the FIPS 180-4 examples right. -1 only if the portable
 * one does not (after a "kern| image: ..." line). Before
 * tess_image_verify, whose line names the function used. */
int tess_image_sha256(sha256_blocks_fn *f, const char *what);
/* The part named `name`, or NULL. Only after tess_image_verify passed. */
const struct tess_img_part *tess_image_part(const struct tess_img_hdr *hdr, const char *name);
/* The version id of `part` (one of hdr's). Only after tess_image_verify. */
uint64_t tess_image_part_version(const struct tess_img_hdr *hdr, const struct tess_img_part *part);

#endif
