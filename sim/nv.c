/* The simulator's persistent store (kern/include/kern/arch.h plat_nv_*):
 * a file, given with --rollback-store FILE (created if missing), so the
 * anti-rollback counters of kern/rollback.c survive a restart of the
 * simulator as they survive a reboot on a board with flash. Without the
 * option there is none (plat_nv_size 0). Flash semantics are kept so the
 * store code runs as on a target: a write only clears bits, erase works on
 * 4 KiB blocks. The shard processes never see the file (opened O_CLOEXEC,
 * after they inherited nothing but fds 3 and 4). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <kern/arch.h>
#include "sim.h"

#define NV_SIZE	 (64u * 1024)
#define NV_BLOCK 4096u

static uint8_t *nv;

int sim_nv_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	void *p;

	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "sim| --rollback-store %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* A new file reads as erased flash. */
	if (st.st_size == 0) {
		static uint8_t erased[NV_BLOCK];

		memset(erased, 0xff, sizeof erased);
		for (unsigned off = 0; off < NV_SIZE; off += NV_BLOCK)
			if (pwrite(fd, erased, NV_BLOCK, off) != NV_BLOCK)
				st.st_size = -1;
	} else if (st.st_size != NV_SIZE) {
		st.st_size = -1;
	}
	p = st.st_size < 0 ? MAP_FAILED : mmap(NULL, NV_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "sim| --rollback-store %s: not a store of %u bytes\n", path, NV_SIZE);
		return -1;
	}
	nv = p;
	return 0;
}

static int inside(uint64_t off, size_t n)
{
	return nv && off <= NV_SIZE && n <= NV_SIZE - off;
}

uint64_t plat_nv_size(void)
{
	return nv ? NV_SIZE : 0;
}

int plat_nv_read(uint64_t off, void *buf, size_t n)
{
	if (!inside(off, n))
		return -1;
	memcpy(buf, nv + off, n);
	return 0;
}

int plat_nv_write(uint64_t off, const void *buf, size_t n)
{
	const uint8_t *b = buf;

	if (!inside(off, n) || off % 4 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i++)
		nv[off + i] &= b[i];
	return memcmp(nv + off, buf, n) ? -1 : 0;
}

int plat_nv_erase(uint64_t off, size_t n)
{
	uint64_t from = off / NV_BLOCK * NV_BLOCK, to = (off + n + NV_BLOCK - 1) / NV_BLOCK * NV_BLOCK;

	if (!inside(off, n))
		return -1;
	memset(nv + from, 0xff, to - from);
	return 0;
}
