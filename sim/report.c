/* Counting messages (sinks, for --messages) and the end-of-run table:
 * kern/'s per-shard counters, and per channel the messages produced (head)
 * and consumed (tail) read from the ring headers in the RAM memfd, and the
 * protocol errors kern/chan.c counted. Ring indices are free-running
 * uint32; the main thread samples them often enough (every 20 ms) to widen
 * them to 64 bits, and starts again from 0 when the kernel re-formatted a
 * ring. They are what the ends wrote: a hostile end can make them up. */
#include <stdio.h>
#include <kern/arch.h>
#include <kern/stats.h>
#include <tessera/ring.h>
#include "sim.h"

struct wide {
	uint32_t last;
	uint64_t total;
};

static struct wide heads[TESS_MAX_CHANNELS], tails[TESS_MAX_CHANNELS];
static uint64_t formats[TESS_MAX_CHANNELS]; /* re-formats seen by sample() */

static struct tess_ring_shm *ring(unsigned ch)
{
	return plat_pa_to_kva(tess_system.channels[ch].pa);
}

static uint64_t widen(struct wide *w, uint32_t now)
{
	w->total += (uint32_t)(now - w->last);
	w->last = now;
	return w->total;
}

/* A sink consumes and produces nothing: the end of a pipeline. */
static int is_sink(const struct tess_shard_cfg *s)
{
	unsigned in = 0;

	for (unsigned e = 0; e < s->nends; e++) {
		if (s->ends[e].role == TESS_ROLE_PRODUCER)
			return 0;
		in++;
	}
	return in > 0;
}

int sim_has_sinks(void)
{
	for (unsigned i = 0; i < tess_system.nshards; i++)
		if (is_sink(&tess_system.shards[i]))
			return 1;
	return 0;
}

static void sample(void)
{
	for (unsigned i = 0; i < tess_system.nchannels; i++) {
		struct kern_chan_stats st;

		if (kern_chan_stats_get(i, &st) == 0 && st.formats != formats[i]) {
			formats[i] = st.formats; /* indices restarted at 0 */
			heads[i].last = tails[i].last = 0;
		}
		widen(&heads[i], atomic_load_explicit(&ring(i)->head, memory_order_relaxed));
		widen(&tails[i], atomic_load_explicit(&ring(i)->tail, memory_order_relaxed));
	}
}

uint64_t sim_sink_messages(void)
{
	uint64_t n = 0;

	sample();
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		const struct tess_shard_cfg *s = &tess_system.shards[i];

		for (unsigned e = 0; is_sink(s) && e < s->nends; e++)
			n += tails[s->ends[e].channel].total;
	}
	return n;
}

/* Nothing can happen any more (a halted shard takes no IRQ either). */
int sim_all_halted(void)
{
	struct kern_shard_stats st;

	for (unsigned i = 0; i < tess_system.nshards; i++)
		if (kern_stats_get(tess_system.shards[i].id, &st) != 0 || st.state != KS_HALTED)
			return 0;
	return tess_system.nshards > 0;
}

static const char *shard_name(unsigned id)
{
	for (unsigned i = 0; i < tess_system.nshards; i++)
		if (tess_system.shards[i].id == id)
			return tess_system.shards[i].name;
	return "?";
}

static void shard_table(void)
{
	printf("sim| %-12s %4s %-10s %10s %10s %8s %8s %6s %5s %8s  %s\n", "shard", "core", "state", "runs",
	       "yields", "notif-tx", "notif-rx", "faults", "hangs", "restarts", "last fault");
	for (unsigned i = 0; i < tess_system.nshards; i++) {
		const struct tess_shard_cfg *s = &tess_system.shards[i];
		struct kern_shard_stats st;

		if (kern_stats_get(s->id, &st) != 0)
			continue;
		printf("sim| %-12s %4u %-10s %10llu %10llu %8llu %8llu %6llu %5llu %8llu  %s\n", s->name,
		       s->core, kern_state_name(st.state), (unsigned long long)st.dispatches,
		       (unsigned long long)st.yields, (unsigned long long)st.notify_sent,
		       (unsigned long long)st.notify_recv, (unsigned long long)st.faults,
		       (unsigned long long)st.hangs, (unsigned long long)st.restarts,
		       st.last_fault[0] ? st.last_fault : "-");
	}
}

static void channel_table(uint64_t elapsed_ns)
{
	if (!tess_system.nchannels)
		return;
	sample();
	/* errors: TESS_SYS_CHAN_STOP by the producer/consumer end; resets:
	 * re-formats after a stop (kern/chan.c). */
	printf("sim| %-20s %-24s %12s %12s %12s %9s %6s\n", "channel", "from -> to", "messages", "consumed",
	       "msgs/s", "errors", "resets");
	for (unsigned i = 0; i < tess_system.nchannels; i++) {
		const struct tess_chan_cfg *ch = &tess_system.channels[i];
		struct kern_chan_stats st = {0};
		uint64_t n = heads[i].total;
		char ends[64], errors[24];

		kern_chan_stats_get(i, &st);
		snprintf(ends, sizeof ends, "%s -> %s", shard_name(ch->from), shard_name(ch->to));
		snprintf(errors, sizeof errors, "%llu/%llu", (unsigned long long)st.stops_producer,
			 (unsigned long long)st.stops_consumer);
		printf("sim| %-20s %-24s %12llu %12llu %12llu %9s %6llu\n", ch->name, ends,
		       (unsigned long long)n, (unsigned long long)tails[i].total,
		       (unsigned long long)(elapsed_ns ? n * 1000000000.0 / (double)elapsed_ns : 0), errors,
		       (unsigned long long)st.formats);
	}
}

static void core_table(void)
{
	printf("sim| %-4s %8s %10s %14s\n", "core", "host cpu", "ticks", "max late (us)");
	for (unsigned c = 0; c < tess_system.ncores; c++) {
		uint64_t ticks, late;

		sim_tick_stats(c, &ticks, &late);
		printf("sim| %-4u %8u %10llu %14llu\n", c, sim_host_cpu(c), (unsigned long long)ticks,
		       (unsigned long long)(late / 1000));
	}
}

void sim_report(uint64_t elapsed_ns)
{
	printf("sim| ran %llu.%03llu s\n", (unsigned long long)(elapsed_ns / 1000000000u),
	       (unsigned long long)(elapsed_ns / 1000000u % 1000u));
	shard_table();
	channel_table(elapsed_ns);
	core_table();
	sim_port_report();
	fflush(stdout);
}
