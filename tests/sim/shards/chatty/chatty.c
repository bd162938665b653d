/* chatty: a polling shard that logs a long line on every entry (a few
 * thousand a second: far more than a slow console client reads;
 * tests/sim/test_sim_chatty_reload.py, issue 10 item 8): however much shard
 * text there is, the kernel's reload frames must reach the console port's
 * client. */
#include <stdint.h>
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

static uint64_t n;

void shard_init(enum tess_start_reason why)
{
	tess_log("up (reason %d, version %llu)", why, (unsigned long long)tess_ctrl()->version);
}

void shard_poll(void)
{
	for (volatile uint32_t i = 0; i < 50000; i++) /* the rest of a busy entry */
		;
	tess_log("chatter %llu: the quick brown fox jumps over the lazy dog, the quick brown fox jumps over "
		 "the lazy dog, the quick brown fox jumps over the lazy dog, the quick brown fox jumps over "
		 "the "
		 "lazy dog",
		 (unsigned long long)++n);
}
