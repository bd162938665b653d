/* The simulated bus: device register accesses a shard posts through its
 * mailbox (SIM_POST_MMIO, sim/shard/mmio.c). Shard processes map no device
 * memory; the shard's core thread checks the access against the shard's
 * own granted MMIO windows (its tess_self.maps of kind MMIO, from the
 * generated tables, never from the mailbox), translates the VA to the
 * physical address and serves it from the device model there. An access
 * outside every window is the shard's fault, reported as a target's MMU
 * would (read/write fault at the VA); one inside a granted page but
 * outside any device's registers reads 0 and writes nothing. kern/ is not
 * involved, as it is not in a bus access on a target. */
#include <kern/arch.h>
#include "dev/dev.h"
#include "sim.h"

#define MAX_WINDOWS 16

static const struct sim_mmio_dev *windows[MAX_WINDOWS];
static unsigned nwindows;

int sim_mmio_add(const struct sim_mmio_dev *d)
{
	if (nwindows == MAX_WINDOWS)
		return -1;
	windows[nwindows++] = d;
	return 0;
}

static const struct tess_map *granted(const struct tess_shard_cfg *cfg, uint64_t va, unsigned size,
				      bool write)
{
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const struct tess_map *m = &cfg->maps[i];

		if (m->kind != TESS_MAP_KIND_MMIO || va < m->va || va - m->va >= m->size ||
		    size > m->size - (va - m->va))
			continue;
		return m->attr & (write ? TESS_MAP_W : TESS_MAP_R) ? m : NULL;
	}
	return NULL;
}

static uint64_t access(uint64_t pa, unsigned size, bool write, uint64_t val)
{
	for (unsigned i = 0; i < nwindows; i++) {
		const struct sim_mmio_dev *d = windows[i];

		if (pa < d->base || pa - d->base >= d->size || size > d->size - (pa - d->base))
			continue;
		if (write) {
			d->write(d->dev, pa - d->base, size, val);
			return 0;
		}
		return d->read(d->dev, pa - d->base, size);
	}
	return 0;
}

static bool fault(struct trap *t, uint64_t va, uint64_t pc, uint32_t kind)
{
	t->kind = TRAP_FAULT;
	t->fault = kind;
	t->addr = va;
	t->pc = pc;
	return false;
}

bool sim_mmio_serve(const struct tess_shard_cfg *cfg, const struct sim_mailbox *mb, uint64_t *val,
		    struct trap *t)
{
	/* Each field once: the shard process may change the page meanwhile. */
	uint64_t va = mb->addr, pc = mb->pc, wval = mb->mmio_val;
	unsigned size = mb->mmio_size;
	bool write = mb->mmio_write != 0;
	const struct tess_map *m;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fault(t, va, pc, FAULT_OTHER);
	if (va & (size - 1))
		return fault(t, va, pc, FAULT_ALIGN);
	m = granted(cfg, va, size, write);
	if (!m)
		return fault(t, va, pc, write ? FAULT_WRITE : FAULT_READ);
	*val = access(m->pa + (va - m->va), size, write, wval);
	if (size < 8)
		*val &= (1ull << (8 * size)) - 1;
	return true;
}
