/* The board's RAM: one memfd the kernel maps whole (pa = offset in the
 * file), and inside it the shared objects a shard may map (control pages,
 * persistent memory, channels, regions), each in a memfd of its own mapped
 * over its place in the kernel's view. A shard process is handed exactly
 * the objects its tables list, read-only ones as read-only descriptors,
 * never the RAM file: the descriptors are its grants (a target's page
 * tables), so even code that runs before its main() cannot reach a
 * channel it is not an end of (docs/simulator.md "Isolation"). Plus one
 * mailbox memfd per shard (SIM_MBOX_SLOTS pages), the kernel's view of
 * them side by side. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <kern/arch.h>
#include "dev/dev.h"
#include "sim.h"

/* Descriptors that stay in the simulator live at or above this, so that a
 * child can put its grants at SIM_FD_MBOX.. without clobbering any. */
#define SIM_FD_HIGH 64

static int ram_fd = -1;
static int mbox_fds[TESS_MAX_SHARDS];
static uint8_t *ram, *mboxes;
static uint64_t ram_size;

/* A shared object: its place in RAM and its descriptors. */
struct obj {
	uint64_t pa, size;
	int rw, ro;
};
#define MAX_OBJS (2 * TESS_MAX_SHARDS + TESS_MAX_CHANNELS + TESS_MAX_REGIONS)
static struct obj objs[MAX_OBJS];
static unsigned nobjs;
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

/* A memfd of `size` bytes at a descriptor >= SIM_FD_HIGH. */
static int memfd(const char *name, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC), high;

	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		perror("sim| memfd");
		return -1;
	}
	high = sim_fd_high(fd);
	if (high < 0)
		perror("sim| memfd");
	return high;
}

int sim_fd_high(int fd)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, SIM_FD_HIGH);

	close(fd);
	return high;
}

/* Map `fd` over [at, at + size) of the kernel's view. */
static int overlay(uint8_t *at, size_t size, int fd, off_t off)
{
	if (mmap(at, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off) != at) {
		perror("sim| mmap");
		return -1;
	}
	return 0;
}

static const char *const kind_names[] = {
	[TESS_MAP_KIND_CTRL] = "tessera-ctrl",	   [TESS_MAP_KIND_CHANNEL] = "tessera-channel",
	[TESS_MAP_KIND_REGION] = "tessera-region", [TESS_MAP_KIND_PERSIST] = "tessera-persist",
	[TESS_MAP_KIND_DMA] = "tessera-dma",
};

static bool shared_kind(uint32_t kind)
{
	return kind == TESS_MAP_KIND_CTRL || kind == TESS_MAP_KIND_CHANNEL || kind == TESS_MAP_KIND_REGION ||
	       kind == TESS_MAP_KIND_PERSIST || kind == TESS_MAP_KIND_DMA;
}

/* One object per planned shared object (maps of several shards that name
 * the same one, a channel's two ends, share it). */
static int make_objs(void)
{
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		const struct tess_shard_cfg *c = &tess_system.shards[i];

		for (unsigned m = 0; m < c->nmaps; m++) {
			const struct tess_map *map = &c->maps[m];
			struct obj *o = NULL;
			char self[32];

			if (!shared_kind(map->kind))
				continue;
			for (unsigned k = 0; k < nobjs && !o; k++)
				o = objs[k].pa == map->pa ? &objs[k] : NULL;
			if (o) {
				if (o->size != map->size) {
					fprintf(stderr, "sim| maps of pa 0x%llx differ in size\n",
						(unsigned long long)map->pa);
					return -1;
				}
				continue;
			}
			if (nobjs == MAX_OBJS || map->pa + map->size > ram_size || map->pa % TESS_PAGE_SIZE ||
			    map->size % TESS_PAGE_SIZE) {
				fprintf(stderr, "sim| shared object at pa 0x%llx does not fit the plan\n",
					(unsigned long long)map->pa);
				return -1;
			}
			o = &objs[nobjs++];
			o->pa = map->pa;
			o->size = map->size;
			o->rw = memfd(kind_names[map->kind], map->size);
			snprintf(self, sizeof self, "/proc/self/fd/%d", o->rw);
			o->ro = o->rw < 0 ? -1 : sim_fd_high(open(self, O_RDONLY | O_CLOEXEC));
			if (o->ro < 0 || overlay(ram + o->pa, o->size, o->rw, 0) != 0)
				return -1;
		}
	}
	return 0;
}

int sim_ram_init(void)
{
	size_t mbox_bytes = (size_t)SIM_MBOX_SIZE * SIM_MBOX_SLOTS * TESS_MAX_SHARDS;

	ram_size = ram_needed();
	ram_fd = memfd("tessera-ram", ram_size);
	if (ram_fd < 0)
		return -1;
	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, ram_fd, 0);
	mboxes = mmap(NULL, mbox_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED || mboxes == MAP_FAILED) {
		perror("sim| mmap");
		return -1;
	}
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		unsigned id = tess_system.shards[i].id;

		mbox_fds[id] = memfd("tessera-mbox", (uint64_t)SIM_MBOX_SIZE * SIM_MBOX_SLOTS);
		for (unsigned slot = 0; slot < SIM_MBOX_SLOTS && mbox_fds[id] >= 0; slot++)
			if (overlay((uint8_t *)sim_mailbox(id, slot), SIM_MBOX_SIZE, mbox_fds[id],
				    (off_t)slot * SIM_MBOX_SIZE) != 0)
				return -1;
		if (mbox_fds[id] < 0)
			return -1;
	}
	return make_objs();
}

int sim_mailbox_fd(unsigned id)
{
	return mbox_fds[id];
}

int sim_map_fd(const struct tess_map *m)
{
	for (unsigned k = 0; k < nobjs; k++)
		if (objs[k].pa == m->pa && shared_kind(m->kind))
			return m->attr & TESS_MAP_W ? objs[k].rw : objs[k].ro;
	return -1;
}

/* Two slots per shard: a hot reload's new process is started ahead of the
 * swap on the slot the running one does not use (reload.c). */
struct sim_mailbox *sim_mailbox(unsigned id, unsigned slot)
{
	return (struct sim_mailbox *)(mboxes + ((size_t)slot * TESS_MAX_SHARDS + id) * SIM_MBOX_SIZE);
}

/* Device models' view of guest memory (dev/dev.h). */
void *sim_ram_span(uint64_t pa, uint64_t len)
{
	if (pa > ram_size || len > ram_size - pa)
		return NULL;
	return ram + pa;
}

void *plat_pa_to_kva(uint64_t pa)
{
	if (pa >= ram_size)
		return NULL;
	return ram + pa;
}
