/* One clock for every simulated core: CLOCK_MONOTONIC since start. */
#include <time.h>
#include <kern/arch.h>
#include "sim.h"

static uint64_t t0;

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sim_clock_init(void)
{
	t0 = mono();
}

uint64_t sim_now(void)
{
	return mono() - t0;
}

uint64_t sim_since_start(uint64_t mono_ns)
{
	return mono_ns > t0 ? mono_ns - t0 : 0;
}

uint64_t plat_time_ns(void)
{
	return sim_now();
}

struct timespec sim_abs(uint64_t ns)
{
	uint64_t abs = t0 + ns;
	struct timespec ts = {.tv_sec = (time_t)(abs / 1000000000u), .tv_nsec = (long)(abs % 1000000000u)};

	return ts;
}
