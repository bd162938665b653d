/* The kernel's persistent store (kern/include/kern/arch.h plat_nv_*) on a
 * CFI NOR flash bank: the board's rollback_store window
 * (tess_system.nv_pa/nv_size; QEMU virt: the second bank of its pflash,
 * which `tessera qemu` backs with a file per system). The tool never
 * grants that device to a shard, and only kern/rollback.c calls these, one
 * swap at a time, so no one else's commands interleave with ours.
 *
 * The Intel/Sharp command set (CFI, JEDEC JESD68.01; what QEMU's
 * pflash_cfi01 implements) on a 32-bit bus of two 16-bit chips side by
 * side: every command goes to both halves of the word. Reads in read-array
 * mode are plain loads; a program or erase is followed by status reads
 * until both chips are ready, then back to read-array mode. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <kern/arch.h>
#include <kern/kern.h>

#define CMD(c)	     ((uint32_t)(c)*0x00010001u)
#define READ_ARRAY   CMD(0xff)
#define CLEAR_STATUS CMD(0x50)
#define READ_STATUS  CMD(0x70)
#define PROGRAM	     CMD(0x40)
#define ERASE	     CMD(0x20)
#define LOCK_SETUP   CMD(0x60) /* + CONFIRM: unlock the block */
#define CONFIRM	     CMD(0xd0)
#define SR_READY     CMD(0x80)
#define SR_ERRORS    CMD(0x3a) /* erase 0x20, program 0x10, Vpp 0x08, block locked 0x02 */
#define ERASED	     0xffffffffu
/* Datasheet worst cases are ~1 s per erase block; far beyond that the
 * part is broken. */
#define BUSY_NS (10ull * 1000000000u)

static volatile uint32_t *word(uint64_t off)
{
	return (volatile uint32_t *)plat_pa_to_kva(tess_system.nv_pa + off);
}

/* Wait until both chips are ready; 0 if the operation succeeded. Leaves
 * the bank in read-array mode. */
static int done(uint64_t off, const char *what)
{
	volatile uint32_t *w = word(off);
	uint64_t t0 = plat_time_ns();
	uint32_t st;

	*w = READ_STATUS;
	while (((st = *w) & SR_READY) != SR_READY)
		if (plat_time_ns() - t0 > BUSY_NS)
			break;
	if ((st & (SR_READY | SR_ERRORS)) == SR_READY) {
		*w = READ_ARRAY;
		return 0;
	}
	*w = CLEAR_STATUS;
	*w = READ_ARRAY;
	kern_log("nv: flash %s at 0x%lx failed (status 0x%x)", what, (unsigned long)(tess_system.nv_pa + off),
		 (unsigned)st);
	return -1;
}

static bool inside(uint64_t off, size_t n)
{
	return off <= tess_system.nv_size && n <= tess_system.nv_size - off;
}

uint64_t plat_nv_size(void)
{
	return tess_system.nv_size;
}

int plat_nv_read(uint64_t off, void *buf, size_t n)
{
	uint8_t *b = buf;

	if (!inside(off, n) || off % 4 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = *word(off + i);

		memcpy(b + i, &v, 4);
	}
	return 0;
}

int plat_nv_write(uint64_t off, const void *buf, size_t n)
{
	const uint8_t *b = buf;

	if (!inside(off, n) || off % 4 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v;

		memcpy(&v, b + i, 4);
		*word(off + i) = PROGRAM;
		*word(off + i) = v;
		if (done(off + i, "program") != 0 || *word(off + i) != v)
			return -1;
	}
	return 0;
}

/* The erase block size is the part's (CFI query); instead of asking, erase
 * the block of every word in the range that is not erased yet. */
int plat_nv_erase(uint64_t off, size_t n)
{
	if (!inside(off, n) || off % 4 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		if (*word(off + i) == ERASED)
			continue;
		*word(off + i) = LOCK_SETUP;
		*word(off + i) = CONFIRM;
		if (done(off + i, "unlock") != 0)
			return -1;
		*word(off + i) = ERASE;
		*word(off + i) = CONFIRM;
		if (done(off + i, "erase") != 0 || *word(off + i) != ERASED)
			return -1;
	}
	return 0;
}
