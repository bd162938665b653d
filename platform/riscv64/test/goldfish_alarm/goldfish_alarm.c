/* goldfish_alarm: riscv64 test shard for PLIC routing (test/standin.py and
 * tests/qemu/manifests/faults-riscv64.yaml, like pl031_alarm on aarch64):
 * a driver for QEMU virt's Goldfish RTC (0x101000, PLIC source 11; register
 * map from QEMU hw/rtc/goldfish_rtc.c: TIME_LOW 0x00 latches TIME_HIGH 0x04,
 * ALARM_LOW 0x08 arms with ALARM_HIGH 0x0c, IRQ_ENABLED 0x10,
 * CLEAR_INTERRUPT 0x1c; times in ns). Arms the alarm 100 ms ahead; on every
 * notification clears the device, logs "alarm <n>", re-arms and acks. */
#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define TIME_LOW    0x00
#define TIME_HIGH   0x04
#define ALARM_LOW   0x08
#define ALARM_HIGH  0x0c
#define IRQ_ENABLED 0x10
#define CLEAR_INTR  0x1c
#define PERIOD_NS   100000000ull

static volatile uint32_t *rtc;
static unsigned irq_bit;
static uint64_t alarms;

static void arm(void)
{
	uint64_t now = rtc[TIME_LOW / 4];
	now |= (uint64_t)rtc[TIME_HIGH / 4] << 32;
	uint64_t at = now + PERIOD_NS;
	rtc[ALARM_HIGH / 4] = (uint32_t)(at >> 32);
	rtc[ALARM_LOW / 4] = (uint32_t)at;
	rtc[IRQ_ENABLED / 4] = 1;
}

void shard_init(enum tess_start_reason why)
{
	for (unsigned i = 0; i < tess_self.nmaps && !rtc; i++)
		if (tess_self.maps[i].kind == TESS_MAP_KIND_MMIO)
			rtc = (volatile uint32_t *)(uintptr_t)tess_self.maps[i].va;
	irq_bit = tess_self.nends; /* IRQ bits follow the channel ends */
	if (!rtc) {
		tess_log("up (reason %d): no MMIO window granted", why);
		return;
	}
	arm();
	tess_log("up (reason %d), alarm armed", why);
}

void shard_notified(tess_set_t set)
{
	if (!rtc || !(set & (1ull << irq_bit)))
		return;
	rtc[CLEAR_INTR / 4] = 1;
	tess_log("alarm %llu", (unsigned long long)++alarms);
	arm();
	tess_irq_ack(irq_bit);
}
