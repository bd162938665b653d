/* The board's RAM: one memfd that the kernel maps whole and every shard
 * process maps piecewise at its planned VAs (pa = offset in the file), plus
 * the sim-private mailbox file (SIM_MBOX_SLOTS pages per shard). */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <kern/arch.h>
#include "sim.h"

int sim_ram_fd = -1, sim_mbox_fd = -1;
static uint8_t *ram, *mboxes;
static uint64_t ram_size;

static uint64_t top(uint64_t pa, uint64_t size, uint64_t cur)
{
	return pa + size > cur ? pa + size : cur;
}

/* Everything the tables place must fit; the board says 256 MiB, but take
 * what the plan needs if that is more rather than fault later. */
static uint64_t ram_needed(void)
{
	uint64_t need = SIM_RAM_MIN;

	need = top(tess_system.kernel_pa, tess_system.kernel_size, need);
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		const struct tess_shard_cfg *s = &tess_system.shards[i];

		for (unsigned m = 0; m < s->nmaps; m++)
			if (s->maps[m].kind != TESS_MAP_KIND_MMIO)
				need = top(s->maps[m].pa, s->maps[m].size, need);
		need = top(s->ctrl_pa, TESS_PAGE_SIZE, need);
		need = top(s->persist_pa, s->persist_size, need);
	}
	for (unsigned i = 0; i < tess_system.nchannels; i++)
		need = top(tess_system.channels[i].pa, tess_system.channels[i].size, need);
	need = top(tess_system.reload_staging_pa, tess_system.reload_staging_size, need);
	return (need + TESS_PAGE_SIZE - 1) & ~(uint64_t)(TESS_PAGE_SIZE - 1);
}

static int memfd(const char *name, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		perror("sim| memfd");
		return -1;
	}
	return fd;
}

int sim_ram_init(void)
{
	ram_size = ram_needed();
	sim_ram_fd = memfd("tessera-ram", ram_size);
	sim_mbox_fd = memfd("tessera-mbox", (uint64_t)SIM_MBOX_SIZE * SIM_MBOX_SLOTS * TESS_MAX_SHARDS);
	if (sim_ram_fd < 0 || sim_mbox_fd < 0)
		return -1;
	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, sim_ram_fd, 0);
	mboxes = mmap(NULL, (size_t)SIM_MBOX_SIZE * SIM_MBOX_SLOTS * TESS_MAX_SHARDS, PROT_READ | PROT_WRITE,
		      MAP_SHARED, sim_mbox_fd, 0);
	if (ram == MAP_FAILED || mboxes == MAP_FAILED) {
		perror("sim| mmap");
		return -1;
	}
	return 0;
}

/* Two slots per shard: a hot reload's new process is started ahead of the
 * swap on the slot the running one does not use (reload.c). */
unsigned sim_mailbox_page(unsigned id, unsigned slot)
{
	return slot * TESS_MAX_SHARDS + id;
}

struct sim_mailbox *sim_mailbox(unsigned id, unsigned slot)
{
	return (struct sim_mailbox *)(mboxes + (size_t)sim_mailbox_page(id, slot) * SIM_MBOX_SIZE);
}

void *plat_pa_to_kva(uint64_t pa)
{
	if (pa >= ram_size)
		return NULL;
	return ram + pa;
}
