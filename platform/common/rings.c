/* Channel rings are formatted by the platform before any shard starts: the
 * runtime only attaches to a ring whose header says slots x slot_size
 * (shards/runtime/channel.c). RAM is not guaranteed zero on hardware, so the
 * whole ring is cleared first. */
#include <stdint.h>
#include <string.h>
#include <kern/arch.h>
#include <plat/board.h>
#include <tessera/ring.h>
#include <tessera/tables.h>

void tess_channels_format(void)
{
	for (unsigned i = 0; i < tess_system.nchannels; i++) {
		const struct tess_chan_cfg *ch = &tess_system.channels[i];
		void *p = plat_pa_to_kva(ch->pa);
		memset(p, 0, ch->size);
		ring_init(p, ch->slots, ch->slot_size);
	}
}
