/* Channel rings are formatted by the platform before any shard starts (the
 * simulator does the same in sim/ram.c): the shard runtime only attaches
 * to a ring whose header says slots x slot_size (shards/runtime/channel.c).
 * RAM is not guaranteed zero on hardware, so the whole ring is cleared
 * first: indices and waiting flags start at 0. */
#include <kern/arch.h>
#include <tessera/ring.h>
#include <rv/plat.h>

void rv_channels_format(void)
{
	for (unsigned i = 0; i < tess_system.nchannels; i++) {
		const struct tess_chan_cfg *ch = &tess_system.channels[i];
		uint8_t *p = plat_pa_to_kva(ch->pa);
		for (uint64_t b = 0; b < ch->size; b++)
			p[b] = 0;
		ring_init(p, ch->slots, ch->slot_size);
	}
}
