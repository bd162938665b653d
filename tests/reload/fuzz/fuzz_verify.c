/* libFuzzer: the package verifier. The first byte picks fix-ups so the
 * fuzzer also gets past the checks it cannot forge: bit 0 recomputes the
 * payload's SHA-256 into the header, bit 1 re-signs with the device key,
 * bit 2 announces a different shard name than the package's. */
#include "t.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static uint8_t pkg[8192];
	struct verdict v;
	if (n < 1 || n - 1 > sizeof pkg)
		return 0;
	uint8_t mode = data[0];
	n--;
	memcpy(pkg, data + 1, n);
	if (n >= PKG_OVERHEAD) {
		uint64_t size = reload_le64(pkg + PKG_SIZE_AT);
		if ((mode & 1) && size <= n - PKG_OVERHEAD)
			sha256(pkg + PKG_HDR, size, pkg + PKG_SHA_AT);
		if (mode & 2)
			reload_hmac_sha256(tess_reload_key, RELOAD_KEY_LEN, pkg, n - PKG_MAC,
					   pkg + n - PKG_MAC);
	}
	const char *want = mode & 4 ? "sink" : NULL;
	if (reload_verify(&tess_system, tess_reload_key, RELOAD_KEY_LEN, pkg, n, want, &v) == 0) {
		/* Accepted: everything it hands on lies inside the package and the region. */
		if (v.payload != pkg + PKG_HDR || v.len + PKG_OVERHEAD != n || v.len > v.cfg->mem_size)
			__builtin_trap();
	} else if (v.reason[0] == 0 || memchr(v.reason, 0, sizeof v.reason) == NULL) {
		__builtin_trap(); /* every refusal says why, NUL-terminated */
	}
	return 0;
}
