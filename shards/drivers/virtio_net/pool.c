/* The packet buffers' owner table (tessera/pkt.h): every buffer of the
 * packet region is free, in the device (receive or transmit queue) or out
 * in the pipeline with a tag. A buffer comes back only as the descriptor
 * it went out with (same buffer, same tag): anything else from a peer is
 * counted and dropped, so a peer can neither make us post a buffer twice
 * nor hand the device an address of its choosing.
 *
 * The table lives in persistent memory. After a restart the device is
 * reset and what it held is free again (pool_device_reset), and buffers
 * out in the pipeline are still expected back: until config reclaim_ms has
 * passed, then they are taken back (their tag changes, so a late return
 * is refused). */
#include <string.h>
#include "net.h"

#define SAVED_MAGIC 0x4e455430u /* "NET0" */

static uint32_t freelist[POOL_MAX];
static uint32_t nfree;

static void push_free(uint32_t b)
{
	net.saved->state[b] = B_FREE;
	freelist[nfree++] = b;
}

bool pool_init(enum tess_start_reason why)
{
	size_t size;
	struct net_saved *s = tess_persistent(&size);
	uint32_t out = 0;

	if (!s || size < sizeof(*s)) {
		tess_log("needs %zu bytes of persistent memory for its buffer table, has %zu", sizeof(*s),
			 s ? size : (size_t)0);
		return false;
	}
	net.saved = s;
	if (why == TESS_START_FIRST || s->magic != SAVED_MAGIC || s->nbufs != net.pkt.nbufs) {
		memset(s, 0, sizeof(*s));
		s->nbufs = net.pkt.nbufs;
		s->magic = SAVED_MAGIC;
	}
	nfree = 0;
	for (uint32_t b = 0; b < s->nbufs; b++) {
		if (s->state[b] == B_OUT || s->state[b] == B_OUT_OLD) {
			s->state[b] = B_OUT_OLD;
			out++;
		} else if (s->state[b] == B_FREE) {
			freelist[nfree++] = b;
		} else if (s->state[b] != B_RX && s->state[b] != B_TX) {
			push_free(b); /* not a state: the table was damaged */
		}
	}
	if (out) {
		net.reclaim_at = tess_time_ns() + (uint64_t)TESS_CFG_RECLAIM_MS * 1000000u;
		tess_log("%u buffers out in the pipeline; taken back in %u ms unless they return", out,
			 (unsigned)TESS_CFG_RECLAIM_MS);
	}
	return true;
}

/* After a device reset, in this life or an earlier one: what the device
 * held is ours again. Returns how many buffers were in (or on their way
 * to) the transmit queue. */
uint32_t pool_device_reset(void)
{
	uint32_t tx = 0;

	for (uint32_t b = 0; b < net.saved->nbufs; b++) {
		tx += net.saved->state[b] == B_TX;
		if (net.saved->state[b] == B_RX || net.saved->state[b] == B_TX)
			push_free(b);
	}
	return tx;
}

/* A free buffer, now in `device_state`; NO_BUF if none is free. */
uint32_t pool_get(enum buf_state device_state)
{
	uint32_t b;

	if (nfree == 0)
		return NO_BUF;
	b = freelist[--nfree];
	net.saved->state[b] = (uint8_t)device_state;
	return b;
}

/* Buffer b goes out into the pipeline: its new tag. */
uint32_t pool_give(uint32_t b)
{
	net.saved->state[b] = B_OUT;
	return ++net.saved->tag[b];
}

/* A descriptor coming back: the buffer it names, if the frame lies inside
 * the packet region past the headroom and the buffer is out with that tag.
 * The buffer is then ours again (in no state until transmitted or freed). */
bool pool_take(const struct tess_pkt *d, uint32_t *b)
{
	uint8_t st;

	if (!tess_pkt_frame(&net.pkt, d, true)) {
		ST.bad_desc++;
		return false;
	}
	*b = tess_pkt_buf(d);
	st = net.saved->state[*b];
	if ((st != B_OUT && st != B_OUT_OLD) || net.saved->tag[*b] != d->tag) {
		ST.bad_owner++;
		return false;
	}
	net.saved->state[*b] = B_TX; /* in our hands: freed or posted next */
	return true;
}

void pool_free(uint32_t b)
{
	if (net.saved->state[b] != B_FREE)
		push_free(b);
}

/* reclaim_ms after a restart: buffers out since before it are ours. */
void pool_reclaim(uint64_t now)
{
	if (!net.reclaim_at || now < net.reclaim_at)
		return;
	net.reclaim_at = 0;
	for (uint32_t b = 0; b < net.saved->nbufs; b++) {
		if (net.saved->state[b] == B_OUT_OLD) {
			net.saved->tag[b]++;
			ST.reclaimed++;
			push_free(b);
		}
	}
}
