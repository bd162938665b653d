/* Shard executables as in-memory images: at start every shard_<name> is
 * copied into a memfd (so rebuilding the file later changes nothing until
 * a reload sends it), and a hot reload's payload, the new executable, goes
 * into another one (prepare.c). plat_shard_load spawns the committed
 * image; the install runs the trial image, which plat_shard_commit makes
 * the committed one, and any later load (a rollback) drops. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <kern/arch.h>
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

	if (fd < 0 || write_all(fd, p, n) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int sim_image_from_file(struct sim_shard *sh)
{
	struct stat st;
	int src = open(sh->path, O_RDONLY | O_CLOEXEC);
	void *p;

	sh->trial_fd = -1;
	if (src < 0 || fstat(src, &st) != 0) {
		fprintf(stderr, "sim| shard %s: cannot read %s: %s\n", sh->cfg->name, sh->path,
			strerror(errno));
		if (src >= 0)
			close(src);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, src, 0);
	close(src);
	sh->exe_fd = p == MAP_FAILED ? -1 : sim_image_fd(sh->cfg->name, p, (size_t)st.st_size);
	if (p != MAP_FAILED)
		munmap(p, (size_t)st.st_size);
	if (sh->exe_fd < 0)
		fprintf(stderr, "sim| shard %s: cannot copy %s into memory\n", sh->cfg->name, sh->path);
	return sh->exe_fd < 0 ? -1 : 0;
}

void sim_image_drop_trial(struct sim_shard *sh)
{
	if (sh->trial_fd >= 0)
		close(sh->trial_fd);
	sh->trial_fd = -1;
}

/* At the shard's yield, on its core: normally a switch to the process
 * plat_shard_prepare started (prepare.c); without one (it died), the whole
 * spawn happens here. */
int plat_shard_install(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	struct sim_shard *sh = &sim_shards[cfg->id];
	uint64_t t0 = sim_now();

	sim_image_drop_trial(sh);
	if (sim_prepared_take(sh) == 0) {
		sim_stall_install(sh, sim_now() - t0);
		return 0;
	}
	if (sh->prep.fd >= 0) {
		sh->trial_fd = sh->prep.fd;
		sh->prep.fd = -1;
	} else if (len < 4 || memcmp(payload, "\177ELF", 4) != 0) {
		fprintf(stderr, "sim| shard %s: the reloaded image is not a host executable\n", cfg->name);
		return -1;
	} else {
		sh->trial_fd = sim_image_fd(cfg->name, payload, len);
	}
	if (sh->trial_fd < 0) {
		perror("sim| memfd");
		return -1;
	}
	if (sim_shard_spawn(cfg, sh->trial_fd) != 0)
		return -1;
	sim_stall_install(sh, sim_now() - t0);
	return 0;
}

int plat_shard_commit(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	struct sim_shard *sh = &sim_shards[cfg->id];

	(void)payload, (void)len; /* already in trial_fd */
	if (sh->trial_fd < 0)
		return -1;
	close(sh->exe_fd);
	sh->exe_fd = sh->trial_fd;
	sh->trial_fd = -1;
	return 0;
}
