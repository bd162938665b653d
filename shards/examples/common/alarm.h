/* The alarm example shards (pl031_alarm, goldfish_alarm): a device-driver
 * shard for a real-time clock whose MMIO window and IRQ the manifest
 * grants. It arms the alarm; on every notification it clears the device,
 * logs "alarm <n>", re-arms and acks the IRQ so the kernel unmasks it
 * again. Exercises MMIO mapping and IRQ delivery end to end.
 *
 * Not a shard: the shard's one source file includes it and defines its
 * device's two operations, declared here; this header supplies shard_init
 * and shard_notified. */
#ifndef TESS_EXAMPLE_ALARM_H
#define TESS_EXAMPLE_ALARM_H

#include <stdint.h>
#include <tessera/shard.h>
#include <tessera/shard_info.h>

/* Defined by the including shard: raise the interrupt one period from now;
 * acknowledge it. `rtc` is the device's MMIO window. */
static void alarm_arm(volatile uint32_t *rtc);
static void alarm_clear(volatile uint32_t *rtc);

static volatile uint32_t *alarm_rtc;
static unsigned alarm_irq_bit;
static uint64_t alarm_count;

void shard_init(enum tess_start_reason why)
{
	for (unsigned i = 0; i < tess_self.nmaps && !alarm_rtc; i++)
		if (tess_self.maps[i].kind == TESS_MAP_KIND_MMIO)
			alarm_rtc = (volatile uint32_t *)(uintptr_t)tess_self.maps[i].va;
	alarm_irq_bit = tess_self.nends; /* IRQ bits follow the channel ends */
	if (!alarm_rtc) {
		tess_log("up (reason %d): no MMIO window granted", why);
		return;
	}
	alarm_arm(alarm_rtc);
	tess_log("up (reason %d), alarm armed", why);
}

void shard_notified(tess_set_t set)
{
	if (!alarm_rtc || !(set & (1ull << alarm_irq_bit)))
		return;
	alarm_clear(alarm_rtc);
	tess_log("alarm %llu", (unsigned long long)++alarm_count);
	alarm_arm(alarm_rtc);
	tess_irq_ack(alarm_irq_bit);
}

#endif
