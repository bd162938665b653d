/* pl031_alarm: the alarm example (../common/alarm.h) on the ARM PL031
 * real-time clock (ARM DDI0224: RTCDR 0x00 data, RTCMR 0x04 match,
 * RTCIMSC 0x10 interrupt mask, RTCICR 0x1c interrupt clear; QEMU virt:
 * 0x09010000, GIC INTID 34). The alarm fires one second ahead. */
#include <stdint.h>
#include "../common/alarm.h"

#define RTCDR	0x00
#define RTCMR	0x04
#define RTCIMSC 0x10
#define RTCICR	0x1c

static void alarm_arm(volatile uint32_t *rtc)
{
	rtc[RTCMR / 4] = rtc[RTCDR / 4] + 1;
	rtc[RTCIMSC / 4] = 1;
}

static void alarm_clear(volatile uint32_t *rtc)
{
	rtc[RTCICR / 4] = 1;
}
