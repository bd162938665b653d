/* Fixed limits of the kernel. The manifest checker reads these #defines
 * (codegen/tessera/manifest/limits.py parses this file), so this is the single source
 * of truth: change a number here and both the C tables and the checker follow. */
#ifndef TESSERA_LIMITS_H
#define TESSERA_LIMITS_H

#define TESS_MAX_CORES 8
/* Lanes of one shard: one per core it lists. */
#define TESS_MAX_LANES	  TESS_MAX_CORES
#define TESS_MAX_SHARDS	  16
#define TESS_MAX_CHANNELS 32
#define TESS_MAX_REGIONS  8
/* Channel ends + IRQs of one shard share one 64-bit notification set. */
#define TESS_MAX_SHARD_EVENTS 64
#define TESS_MAX_SHARD_MAPS   32
#define TESS_TRACE_ENTRIES    256
#define TESS_PAGE_SIZE	      4096
#define TESS_CACHE_LINE	      64
/* Bytes of a channel before its first slot: header, producer and consumer
 * lines, padded so slots start on a 128-byte boundary (adjacent-line
 * prefetchers pull pairs of lines). */
#define TESS_CHAN_HDR_SIZE 256
#define TESS_CONSOLE_BUF   256
#define TESS_MAX_SLOT_SIZE (64 * 1024)
#define TESS_MAX_SLOTS	   65536
/* A shard part ends with two 64-bit words (codegen/templates/shard.ld.j2):
 * the end of its .bss as an offset from mem_va, then this value. A
 * (re)start zeroes .bss and the stack, not the whole image room
 * (platform/common/load.c); a part without it gets the whole room zeroed. */
#define TESS_PART_TRAILER_MAGIC 0x5353422d53534554 /* "TESS-BSS" */

#endif
