/* pl031_alarm: a device-driver shard for the ARM PL031 real-time clock
 * (ARM DDI0224: RTCDR 0x00 data, RTCMR 0x04 match, RTCIMSC 0x10 interrupt
 * mask, RTCICR 0x1c interrupt clear). It needs the RTC's MMIO window and
 * its IRQ granted in the manifest (QEMU virt: 0x09010000, GIC INTID 34).
 * It arms the alarm one second ahead; on every notification it clears the
 * device, logs "alarm <n>", re-arms and acks the IRQ so the kernel unmasks
 * it again. Exercises MMIO mapping and IRQ delivery end to end. */
#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>
#include "tessera_shard_cfg.h"

#define RTCDR	0x00
#define RTCMR	0x04
#define RTCIMSC 0x10
#define RTCICR	0x1c

static volatile uint32_t *rtc;
static unsigned irq_bit;
static uint64_t alarms;

static void arm(void)
{
	rtc[RTCMR / 4] = rtc[RTCDR / 4] + 1;
	rtc[RTCIMSC / 4] = 1;
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
	rtc[RTCICR / 4] = 1;
	tess_log("alarm %llu", (unsigned long long)++alarms);
	arm();
	tess_irq_ack(irq_bit);
}
