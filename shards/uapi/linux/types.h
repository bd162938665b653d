/* The one Linux UAPI header a target shard gets from us instead of from
 * linux-libc-dev: the fixed-width types the virtio headers are written in
 * (<linux/virtio_*.h>, <linux/if_ether.h>). The real one pulls in
 * <asm/types.h> and <linux/posix_types.h>, which a freestanding target has
 * no business with. Hosted shards use the real header (shards/CMakeLists.txt
 * says which headers a target shard sees). */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <stdint.h>

typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int8_t __s8;
typedef int16_t __s16;
typedef int32_t __s32;
typedef int64_t __s64;

/* Byte-order annotations (only sparse gives them meaning). */
#define __bitwise
typedef __u16 __le16;
typedef __u16 __be16;
typedef __u32 __le32;
typedef __u32 __be32;
typedef __u64 __le64;
typedef __u64 __be64;
typedef __u16 __sum16;
typedef __u32 __wsum;

#endif
