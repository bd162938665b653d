/* Shard executables as in-memory images (memfds), which proc.c spawns
 * processes from: a copy of a shard_<name> file at start (load.c), or a
 * hot reload's payload, the new executable (reload.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sim.h"

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t k = write(fd, c, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A memfd holding `n` bytes of `p`; -1 on failure. */
int sim_image_fd(const char *name, const void *p, size_t n)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	/* Executable, not readable: exec() makes a process of an image it may
	 * not read non-dumpable from its first instruction (fs/exec.c,
	 * would_dump), so no other shard can open its /proc/<pid>/mem or fd/
	 * even before its main() closes and confines (docs/simulator.md
	 * "Isolation"). The mode binds new opens only, not this descriptor. */
	if (fd < 0 || fchmod(fd, 0111) != 0 || write_all(fd, p, n) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return sim_fd_high(fd);
}

int sim_image_from_file(const char *name, const char *path)
{
	struct stat st;
	int src = open(path, O_RDONLY | O_CLOEXEC), fd;
	void *p;

	if (src < 0 || fstat(src, &st) != 0) {
		fprintf(stderr, "sim| shard %s: cannot read %s: %s\n", name, path, strerror(errno));
		if (src >= 0)
			close(src);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, src, 0);
	close(src);
	fd = p == MAP_FAILED ? -1 : sim_image_fd(name, p, (size_t)st.st_size);
	if (fd >= 0)
		sim_ident_part(name, p, (size_t)st.st_size); /* the booted "image" (ident.c) */
	if (p != MAP_FAILED)
		munmap(p, (size_t)st.st_size);
	if (fd < 0)
		fprintf(stderr, "sim| shard %s: cannot copy %s into memory\n", name, path);
	return fd;
}
