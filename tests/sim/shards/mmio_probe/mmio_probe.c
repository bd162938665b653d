/* mmio_probe (tests/sim/test_sim_mmio.py): reads the identification
 * registers and the MAC in the configuration space of its virtio-mmio
 * transport through <tessera/dev_arch.h>, logs them, writes Status and
 * reads it back, then reads a word past its granted window: the simulator
 * must report that as the shard's fault, as a target's MMU would. */
#include <stdint.h>
#include <tessera/dev_arch.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define REGS TESS_DEV_VIRTIO_MMIO0_VA

void shard_init(enum tess_start_reason why)
{
	uint8_t mac[6];

	(void)why;
	tess_log("magic 0x%x version %u device %u", tess_mmio_r32(REGS), tess_mmio_r32(REGS + 4),
		 tess_mmio_r32(REGS + 8));
	for (unsigned i = 0; i < 6; i++)
		mac[i] = tess_mmio_r8(REGS + 0x100 + i);
	tess_log("mac %02x:%02x:%02x:%02x:%02x:%02x link %u", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
		 tess_mmio_r16(REGS + 0x106));
	tess_mmio_w32(REGS + 0x70, 1); /* ACKNOWLEDGE */
	tess_log("status %u", tess_mmio_r32(REGS + 0x70));
}

void shard_poll(void)
{
	uintptr_t beyond = REGS - (REGS & 0xfff) + 0x1000;

	tess_log("reading 0x%lx, past the window", (unsigned long)beyond);
	tess_mmio_r32(beyond);
	tess_log("not reached");
}
