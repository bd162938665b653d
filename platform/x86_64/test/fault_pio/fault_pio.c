/* fault_pio: x86_64 test shard (tests/qemu/manifests/faults-x86_64.yaml):
 * initialises normally, then writes a byte to I/O port 0x3f8, the kernel's
 * console UART. Shards run with IOPL 0 and no I/O permission bitmap, so the
 * OUT raises #GP; the kernel reports it as a write to that port and the
 * on_fault policy applies. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define PORT 0x3f8

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d), will write to I/O port 0x%x", why, PORT);
}

void shard_poll(void)
{
	tess_log("writing to I/O port 0x%x", PORT);
	__asm__ volatile("outb %b0, %w1" ::"a"((uint8_t)'X'), "Nd"((uint16_t)PORT));
	tess_log("port write did not fault");
}
