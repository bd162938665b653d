/* Package and frame fields: little-endian integers, read and written byte
 * by byte (the fields are not aligned, so no casts), and the shard name
 * check. */
#include "internal.h"

uint32_t reload_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t reload_le64(const uint8_t *p)
{
	return (uint64_t)reload_le32(p) | (uint64_t)reload_le32(p + 4) << 32;
}

void reload_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void reload_put_le64(uint8_t *p, uint64_t v)
{
	reload_put_le32(p, (uint32_t)v);
	reload_put_le32(p + 4, (uint32_t)(v >> 32));
}

bool reload_name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (s[n] < 0x21 || s[n] > 0x7e)
			return false;
	return n > 0 && n < PKG_NAME;
}
