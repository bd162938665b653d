/* Stand-ins for what the build and the rest of the kernel provide around
 * the reload protocol: the generated tables and key, kern_log,
 * kern_console_write, and the swap (reload_swap_request/outcome). They
 * record everything so tests can assert exact lines and frames. */
#include <stdarg.h>
#include <kern/kern.h>
#include <kern/inspect.h>
#include "t.h"

int t_failures;

const uint8_t tess_reload_key[RELOAD_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
const uint8_t t_hash[32] = {0xaa, 0xbb, 0xcc, 0xdd, 1,	2,  3,	4,  5,	6,  7,	8,  9,	10, 11, 12,
			    13,	  14,	15,   16,   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28};

static const struct tess_shard_cfg shards[2] = {
	{.name = "filter", .id = 0, .mem_pa = T_SHARD_PA, .mem_va = T_SHARD_VA, .mem_size = T_SHARD_MEM},
	{.name = "sink", .id = 1, .mem_pa = 0x80200000, .mem_va = 0x600000100000, .mem_size = 8192},
};

const struct tess_system_cfg tess_system = {
	.name = "reloadtest",
	.manifest_hash = {0xaa, 0xbb, 0xcc, 0xdd, 1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
			  13,	14,   15,   16,	  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28},
	.nshards = 2,
	.shards = shards,
};

char t_log[16384];
uint8_t t_tx[65536];
size_t t_tx_n;
FILE *t_echo;
int t_tx_drop, t_tx_count;
uint32_t t_apply_xp;
uint8_t t_apply_sha[32];
int t_apply_rc, t_apply_calls;
uint64_t t_apply_version;
size_t t_apply_len;
const struct tess_shard_cfg *t_apply_cfg;
static size_t reply_at;
static struct {
	bool ready;
	int accepted;
	uint64_t version;
	char reason[REASON_MAX];
} outcome;

void t_reset(void)
{
	t_log[0] = 0;
	t_tx_n = 0;
	reply_at = 0;
	t_apply_rc = 0, t_apply_calls = 0, t_apply_version = 0, t_apply_len = 0, t_apply_cfg = NULL;
	outcome.ready = false;
}

void kern_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	size_t n = strlen(t_log);
	snprintf(t_log + n, sizeof t_log - n, "kern| %s\n", line);
	if (t_echo) {
		fprintf(t_echo, "kern| %s\r\n", line);
		fflush(t_echo);
	}
}

void kern_console_write(const void *buf, size_t n)
{
	if (++t_tx_count == t_tx_drop)
		return; /* a reply lost on the wire */
	if (n <= sizeof t_tx - t_tx_n) {
		memcpy(t_tx + t_tx_n, buf, n);
		t_tx_n += n;
	}
	if (t_echo) {
		fwrite(buf, 1, n, t_echo);
		fflush(t_echo);
	}
}

void t_finish(int accepted, uint64_t version, const char *reason)
{
	outcome.ready = true;
	outcome.accepted = accepted;
	outcome.version = version;
	snprintf(outcome.reason, sizeof outcome.reason, "%s", reason);
}

int reload_swap_request(const struct tess_shard_cfg *cfg, const void *payload, size_t len, uint64_t version,
			uint32_t exec_pages)
{
	sha256(payload, len, t_apply_sha);
	t_apply_calls++;
	t_apply_xp = exec_pages;
	t_apply_cfg = cfg, t_apply_len = len, t_apply_version = version;
	if (t_apply_rc == 0)
		t_finish(1, version, "");
	else if (t_apply_rc < 0)
		t_finish(0, 0, "swap failed");
	return 0;
}

bool reload_swap_outcome(int *accepted, uint64_t *version, const char **reason)
{
	if (!outcome.ready)
		return false;
	outcome.ready = false;
	*accepted = outcome.accepted;
	*version = outcome.version;
	*reason = outcome.reason;
	return true;
}

int t_reply(struct frame *f)
{
	static struct frame_rx rx;
	while (reply_at < t_tx_n)
		if (reload_frame_rx(&rx, t_tx[reply_at++], f) == FRAME_OK)
			return 1;
	return 0;
}

/* kern/inspect (read-only queries) is linked with the whole kernel only:
 * here a query frame reaches this and gets no answer. */
void inspect_query(uint32_t seq, const uint8_t *payload, size_t len)
{
	(void)seq, (void)payload, (void)len;
}
