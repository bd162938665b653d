/* Channels: single-producer/single-consumer rings of fixed slots in shared
 * memory, zero-copy. Producer: reserve -> fill -> commit. Consumer: peek ->
 * read -> release. commit/release notify the peer only if it sleeps, so an
 * idle pipeline burns no CPU and a busy one makes no system calls. */
#ifndef TESSERA_CHANNEL_H
#define TESSERA_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/ring.h>

struct tess_chan; /* one end, private to the shard */

/* Channel ends by local id (= event bit), as in the generated
 * TESS_CH_<NAME> constants; or the i-th producer / consumer end in
 * manifest order (lets generic shards be reused across manifests). */
struct tess_chan *tess_chan(unsigned local_id);
struct tess_chan *tess_out(unsigned i);
struct tess_chan *tess_in(unsigned i);
unsigned tess_chan_bit(const struct tess_chan *c);
uint32_t tess_chan_slot_size(const struct tess_chan *c);
/* Peer protocol errors this end found since the shard started: the peer
 * wrote an index an honest end never writes (<tessera/ring.h> "Trust").
 * After one the end is stopped: reserve finds it full, peek empty, until
 * the kernel re-formats the channel (the peer restarts, or both ends
 * stopped) and notifies this end, which then opens it afresh. */
unsigned tess_chan_errors(const struct tess_chan *c);
/* The end's own ring index: slots committed (producer) or released
 * (consumer) through the ring since it was formatted, mod 2^32. A
 * restarted end starts at the index its previous life left. */
uint32_t tess_chan_index(const struct tess_chan *c);
bool tess_chan_stopped(const struct tess_chan *c);

/* Producer. */
void *tess_reserve(struct tess_chan *c); /* NULL when full */
unsigned tess_reserve_burst(struct tess_chan *c, void **slots, unsigned n);
void tess_commit(struct tess_chan *c, unsigned n);

/* Consumer. */
void *tess_peek(struct tess_chan *c); /* NULL when empty */
unsigned tess_peek_burst(struct tess_chan *c, void **slots, unsigned n);
void tess_release(struct tess_chan *c, unsigned n);

#endif
