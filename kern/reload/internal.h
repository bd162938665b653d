/* Internals of hot reload (kern/reload/), shared by its files and by the
 * host tests; kern/include/kern/reload.h is what platforms call, and
 * kern/include/kern/priv.h holds the swap's hooks in the scheduler. Wire
 * formats are specified in docs/reload.md; all integers little-endian. */
#ifndef RELOAD_INTERNAL_H
#define RELOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* memcpy, strlen: libc on the host, kern/libc on targets */
#include <tessera/fmt.h>
#include <tessera/tables.h>
#include "../image/sha256.h"

/* A transfer with no frame for this long is abandoned, staging dropped. */
#define RELOAD_STALL_NS 3000000000ull

/* ---- crc32.c: CRC-32 (IEEE 802.3, reflected, as zlib.crc32) ---- */
uint32_t reload_crc32(const void *data, size_t len);

/* ---- cobs.c: Consistent Overhead Byte Stuffing ---- */
/* Encode n bytes; returns the encoded length (at most n + n/254 + 1), or 0
 * if it does not fit in cap. The output contains no 0x00. */
size_t reload_cobs_encode(uint8_t *out, size_t cap, const uint8_t *in, size_t n);
/* Decode in place-safe (out may equal in); returns the decoded length or
 * -1 for an invalid encoding (a 0x00, or a group running past the end). */
long reload_cobs_decode(uint8_t *out, const uint8_t *in, size_t n);

/* ---- frame.c: frames on the console byte stream ---- */
#define FRAME_SOH	  0x01u /* starts a frame; never in console text */
#define FRAME_EOF	  0x00u /* ends a frame (COBS body has no 0x00) */
#define FRAME_CHUNK	  256u	/* max data bytes in one DATA frame */
#define FRAME_MAX_PAYLOAD 260	/* DATA: offset u32 + chunk */
#define FRAME_HDR	  5	/* type u8, seq u32 */
#define FRAME_MAX_BODY	  (FRAME_HDR + FRAME_MAX_PAYLOAD + 4)
#define FRAME_MAX_WIRE	  (2 + FRAME_MAX_BODY + FRAME_MAX_BODY / 254 + 1)

enum frame_type {
	FT_BEGIN = 0x10, /* host: seq 0; total u32, shard name */
	FT_DATA = 0x11,	 /* host: seq 1..; offset u32, 1..256 bytes */
	FT_END = 0x12,	 /* host: seq after the last DATA; empty */
	FT_ABORT = 0x13, /* host gave up; empty */
	FT_ACK = 0x20,	 /* kernel: seq accepted; empty */
	FT_NAK = 0x21,	 /* kernel: seq = next expected; reason text */
	FT_RESULT = 0x22 /* kernel: status u8, version u64, reason text */
};

struct frame {
	uint8_t type;
	uint32_t seq;
	const uint8_t *payload;
	size_t len;
};

struct frame_rx {
	uint8_t buf[FRAME_MAX_WIRE];
	size_t n;
	uint8_t state; /* FRX_* in frame.c */
};

enum { FRAME_NONE = 0, FRAME_OK = 1, FRAME_BAD = 2 };
/* Feed one byte. FRAME_OK: *f is valid until the next call. FRAME_BAD: a
 * delimited frame failed its COBS, length or CRC check. */
int reload_frame_rx(struct frame_rx *rx, uint8_t b, struct frame *f);
/* Build SOH + COBS(type, seq, payload, crc) + EOF; returns bytes or 0. */
size_t reload_frame_encode(uint8_t *out, size_t cap, uint8_t type, uint32_t seq, const void *payload,
			   size_t len);

/* proto.c: a kernel frame (type, seq, payload) on the console, after a
 * 0x00 that ends whatever frame the host may think it is in; one
 * kern_console_write, so never inside a log line. Also kern/inspect's. */
void reload_frame_send(uint8_t type, uint32_t seq, const void *payload, size_t len);

/* ---- field.c: little-endian fields, names ---- */
uint32_t reload_le32(const uint8_t *p);
uint64_t reload_le64(const uint8_t *p);
void reload_put_le32(uint8_t *p, uint32_t v);
void reload_put_le64(uint8_t *p, uint64_t v);
/* A shard name as it may appear in a log line: 1..31 bytes of 0x21..0x7e. */
bool reload_name_ok(const char *s);

/* ---- hmac.c: HMAC-SHA-256 (RFC 2104) and constant-time compare ---- */
struct sha256;
void reload_hmac_sha256(const uint8_t *key, size_t keylen, const void *msg, size_t len, uint8_t out[32]);
/* The same in steps: init, sha256_update(inner, ...) over the message,
 * final. */
void reload_hmac_init(struct sha256 *inner, const uint8_t *key, size_t keylen);
void reload_hmac_final(struct sha256 *inner, const uint8_t *key, size_t keylen, uint8_t out[32]);
bool reload_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* ---- verify.c: the package (the image's per-shard part, signed) ---- */
/* Byte offsets. PKG_PART.. is laid out exactly as struct tess_img_part of
 * kern/image/image.h (the image's part table entry), and PKG_MHASH as the
 * image header's manifest_hash, so a package is a one-part image. */
#define PKG_MAGIC      0x4b505354u /* "TSPK" */
#define PKG_FORMAT     1
#define PKG_PART       8	       /* struct tess_img_part, 96 bytes: */
#define PKG_NAME_AT    (PKG_PART + 0)  /*   name[32], NUL-padded */
#define PKG_KIND_AT    (PKG_PART + 32) /*   u32 kind: 1 = shard */
#define PKG_XP_AT      (PKG_PART + 36) /*   u32 exec_pages: code + rodata pages */
#define PKG_OFF_AT     (PKG_PART + 40) /*   u64 offset of the payload: PKG_HDR */
#define PKG_SIZE_AT    (PKG_PART + 48) /*   u64 payload size */
#define PKG_PA_AT      (PKG_PART + 56) /*   u64 load_pa: the shard's mem_pa */
#define PKG_SHA_AT     (PKG_PART + 64) /*   sha256(payload)[32] */
#define PKG_MHASH_AT   104	       /* manifest_hash[32] */
#define PKG_VA_AT      136	       /* u64 load_va: the shard's mem_va */
#define PKG_VERSION_AT 144	       /* u64 version id */
#define PKG_HDR	       160	       /* (152: u64 reserved, 0) */
#define PKG_KIND_SHARD 1
#define PKG_MAC	       32
#define PKG_OVERHEAD   (PKG_HDR + PKG_MAC)
#define PKG_NAME       32 /* NUL-padded, so at most 31 characters */
#define REASON_MAX     96
/* The refusal of a package too large for the shard or the staging buffer
 * (tess_snprintf with payload size and limit, unsigned long long). */
#define REASON_TOO_LARGE "image too large (%llu > %llu bytes)"

struct verdict {
	const struct tess_shard_cfg *cfg;
	const uint8_t *payload;
	uint64_t len;
	uint64_t version;
	uint32_t exec_pages;
	char reason[REASON_MAX]; /* set when refused */
};

/* A package's two digests, computed as its bytes arrive (in order, each
 * once): the HMAC over [0, total - PKG_MAC) and the SHA-256 of the payload
 * [PKG_HDR, total - PKG_MAC). So the whole-package hash is spread over the
 * DATA frames and END only finalises: no multi-millisecond stall in the
 * console interrupt (docs/reload.md "Authentication"). */
struct reload_digest {
	struct sha256 mac, payload;
	uint32_t fed, mac_end;
};
/* total: the package size (at least PKG_OVERHEAD). */
void reload_digest_begin(struct reload_digest *d, const uint8_t *key, size_t keylen, uint32_t total);
void reload_digest_feed(struct reload_digest *d, const uint8_t *p, size_t n);
void reload_digest_end(struct reload_digest *d, const uint8_t *key, size_t keylen, uint8_t mac[32],
		       uint8_t sha[32]);

/* The shard named `name` in sys, or NULL. */
const struct tess_shard_cfg *reload_shard_by_name(const struct tess_system_cfg *sys, const char *name);
/* Checks a whole package; `want` (may be NULL) is the name announced in
 * BEGIN. 0: accepted, *v describes it; -1: refused, v->reason says why. */
int reload_verify(const struct tess_system_cfg *sys, const uint8_t *key, size_t keylen, const uint8_t *pkg,
		  size_t len, const char *want, struct verdict *v);
/* The same checks with the digests already computed (reload_digest over
 * exactly these `len` bytes): what the protocol does at END. */
int reload_verify_digests(const struct tess_system_cfg *sys, const uint8_t *pkg, size_t len, const char *want,
			  const uint8_t mac[32], const uint8_t sha[32], struct verdict *v);

/* ---- proto.c: the exchange; reload_rx_byte and reload_poll ---- */
/* reload_init without the plan: `staging` holds one incoming package
 * (`cap` bytes), `key` is the HMAC key. Before it, frames are ignored. */
void reload_proto_init(void *staging, size_t cap, const uint8_t *key, size_t keylen);

/* ---- swap.c, console core side ---- */
/* A verified package for shard `cfg`: `payload` (in staging, valid until
 * the outcome is taken), its version id and exec_pages (reload_exec_pages
 * until then). Exactly one outcome follows, for reload_swap_outcome: at
 * once if the swap refuses (not newer, prepare failed), else once the
 * shard's core has installed and tried the new version. Returns -1, doing
 * nothing, while the previous request's outcome has not been taken. */
int reload_swap_request(const struct tess_shard_cfg *cfg, const void *payload, size_t len, uint64_t version,
			uint32_t exec_pages);
/* The outcome, once: true and *accepted, *version (0 if refused) and
 * *reason ("" if accepted; valid until the next request) filled; the swap
 * is idle again. False while there is none. */
bool reload_swap_outcome(int *accepted, uint64_t *version, const char **reason);

#endif
