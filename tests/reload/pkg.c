/* Builds packages and frames from C, mirroring codegen/tessera/reload/proto.py
 * (the Python <-> C round trip test checks the two agree). */
#include "t.h"

uint32_t t_exec_pages = 1;

size_t t_make_pkg(uint8_t *out, const char *name, const uint8_t hash[32], uint64_t pa, uint64_t va,
		  const uint8_t *payload, size_t n, uint64_t version, const uint8_t *key)
{
	memset(out, 0, PKG_HDR);
	reload_put_le32(out, PKG_MAGIC);
	out[4] = PKG_FORMAT;
	out[6] = PKG_HDR;
	strncpy((char *)out + PKG_NAME_AT, name, PKG_NAME - 1);
	reload_put_le32(out + PKG_KIND_AT, PKG_KIND_SHARD);
	reload_put_le32(out + PKG_XP_AT, t_exec_pages);
	reload_put_le64(out + PKG_OFF_AT, PKG_HDR);
	reload_put_le64(out + PKG_SIZE_AT, n);
	reload_put_le64(out + PKG_PA_AT, pa);
	sha256(payload, n, out + PKG_SHA_AT);
	memcpy(out + PKG_MHASH_AT, hash, 32);
	reload_put_le64(out + PKG_VA_AT, va);
	reload_put_le64(out + PKG_VERSION_AT, version);
	memcpy(out + PKG_HDR, payload, n);
	reload_hmac_sha256(key, RELOAD_KEY_LEN, out, PKG_HDR + n, out + PKG_HDR + n);
	return PKG_OVERHEAD + n;
}

void t_send(uint8_t type, uint32_t seq, const void *payload, size_t len)
{
	uint8_t w[FRAME_MAX_WIRE];
	size_t n = reload_frame_encode(w, sizeof w, type, seq, payload, len);
	reload_rx_byte(0);
	for (size_t i = 0; i < n; i++)
		reload_rx_byte(w[i]);
}
