/* pkt.h: the packet-channel convention over channel.h. */
#include <stdint.h>
#include <string.h>
#include <tessera/pkt.h>

_Static_assert(sizeof(struct tess_pkt) == 16, "one descriptor is 16 bytes");
_Static_assert(sizeof(struct tess_pkt) <= TESS_CACHE_LINE, "a descriptor fits the smallest slot");

bool tess_pkt_region_init(struct tess_pkt_region *r, uintptr_t va, uint64_t size)
{
	uint64_t n = size / TESS_PKT_BUF_SIZE;

	if (n > UINT32_MAX / TESS_PKT_BUF_SIZE)
		n = UINT32_MAX / TESS_PKT_BUF_SIZE; /* offsets are 32-bit */
	r->base = (uint8_t *)va;
	r->nbufs = (uint32_t)n;
	r->size = n * TESS_PKT_BUF_SIZE;
	return n != 0;
}

unsigned tess_pkt_peek(struct tess_chan *c, struct tess_pkt *d, unsigned n)
{
	void *slot[TESS_PKT_BURST];
	unsigned k;

	if (!c)
		return 0;
	k = tess_peek_burst(c, slot, n < TESS_PKT_BURST ? n : TESS_PKT_BURST);
	for (unsigned i = 0; i < k; i++)
		memcpy(&d[i], slot[i], sizeof(d[i]));
	/* Only the copies are used from here on: the compiler may not fold
	 * a later use back into a second read of the shared slot. */
	__asm__ volatile("" ::: "memory");
	return k;
}

void tess_pkt_out_open(struct tess_pkt_out *o, struct tess_chan *c, unsigned want)
{
	o->c = c;
	o->used = 0;
	o->n = c && want ? tess_reserve_burst(c, o->slot, want < TESS_PKT_BURST ? want : TESS_PKT_BURST) : 0;
}

bool tess_pkt_out_put(struct tess_pkt_out *o, const struct tess_pkt *d)
{
	if (o->used == o->n)
		return false;
	memcpy(o->slot[o->used++], d, sizeof(*d));
	return true;
}

void tess_pkt_out_close(struct tess_pkt_out *o)
{
	if (o->used)
		tess_commit(o->c, o->used);
	o->n = o->used = 0;
}
