/* goldfish_alarm: the alarm example (../common/alarm.h) on QEMU virt's
 * Goldfish RTC, the riscv64 counterpart of pl031_alarm
 * (tests/qemu/manifests/faults-riscv64.yaml: 0x101000, PLIC source 11).
 * Register map from QEMU hw/rtc/goldfish_rtc.c: TIME_LOW 0x00 latches
 * TIME_HIGH 0x04, ALARM_LOW 0x08 arms with ALARM_HIGH 0x0c, IRQ_ENABLED
 * 0x10, CLEAR_INTERRUPT 0x1c; times in ns. The alarm fires 100 ms ahead. */
#include <stdint.h>
#include "../common/alarm.h"

#define TIME_LOW    0x00
#define TIME_HIGH   0x04
#define ALARM_LOW   0x08
#define ALARM_HIGH  0x0c
#define IRQ_ENABLED 0x10
#define CLEAR_INTR  0x1c
#define PERIOD_NS   100000000ull

static void alarm_arm(volatile uint32_t *rtc)
{
	uint64_t now = rtc[TIME_LOW / 4];
	now |= (uint64_t)rtc[TIME_HIGH / 4] << 32;
	uint64_t at = now + PERIOD_NS;
	rtc[ALARM_HIGH / 4] = (uint32_t)(at >> 32);
	rtc[ALARM_LOW / 4] = (uint32_t)at;
	rtc[IRQ_ENABLED / 4] = 1;
}

static void alarm_clear(volatile uint32_t *rtc)
{
	rtc[CLEAR_INTR / 4] = 1;
}
