/* pingpong: one message bounced between two shards on two cores through a
 * channel each way (bench/qemu_x86_64.py). The shard named "ping" starts
 * and counts; the other echoes. Both wait for notifications, so every
 * message crosses cores with a notify -> IPI -> wake. Every ROUNDS_PER_LOG
 * round trips ping logs "round trips <n>: <ns> ns per round trip". */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

#define ROUNDS_PER_LOG (1u << 14)

static int is_ping;
static uint64_t rounds, since;

static void send(uint64_t v)
{
	uint64_t *slot = tess_reserve(tess_out(0));
	if (!slot)
		return;
	*slot = v;
	tess_commit(tess_out(0), 1);
}

void shard_init(enum tess_start_reason why)
{
	const char *n = tess_name();
	is_ping = n[0] == 'p' && n[1] == 'i' && n[2] == 'n' && n[3] == 'g' && !n[4];
	tess_log("up (reason %d)", why);
	if (is_ping) {
		since = tess_time_ns();
		send(0);
	}
}

void shard_notified(tess_set_t set)
{
	uint64_t *v;
	(void)set;
	while ((v = tess_peek(tess_in(0))) != 0) {
		uint64_t x = *v;
		tess_release(tess_in(0), 1);
		if (is_ping && ++rounds % ROUNDS_PER_LOG == 0) {
			uint64_t now = tess_time_ns();
			tess_log("round trips %llu: %llu ns per round trip", (unsigned long long)rounds,
				 (unsigned long long)((now - since) / ROUNDS_PER_LOG));
			since = now;
		}
		send(x + 1);
	}
}
