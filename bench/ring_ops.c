/* bench/ring_ops: the instructions each ring operation costs, counted by
 * valgrind (README.md "Ring checks"), not timed. The operations are
 * inlined into out-of-line wrappers, as the shard runtime has them
 * (shards/runtime/channel.c). One message or one burst in flight, so the
 * consumer re-reads (and checks) the producer's head on every peek: the
 * worst case for the index checks of <tessera/ring.h> "Trust"; the
 * producer re-reads the tail once per lap of the ring.
 * Usage: ring_ops MESSAGES BURST (BURST 1: reserve/commit/peek/release;
 * up to 32: the _burst variants). Prints the messages' checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <tessera/ring.h>

#define SLOTS 1024
#define SLOT  64

static _Alignas(4096) unsigned char mem[TESS_CHAN_HDR_SIZE + SLOTS * SLOT];
static struct tess_ring_prod p;
static struct tess_ring_cons c;

__attribute__((noinline)) void *op_reserve(void)
{
	return ring_reserve(&p);
}

__attribute__((noinline)) void op_commit(unsigned n)
{
	ring_commit(&p, n);
}

__attribute__((noinline)) void *op_peek(void)
{
	return ring_peek(&c);
}

__attribute__((noinline)) void op_release(unsigned n)
{
	ring_release(&c, n);
}

__attribute__((noinline)) unsigned op_reserve_burst(void **s, unsigned n)
{
	return ring_reserve_burst(&p, s, n);
}

__attribute__((noinline)) unsigned op_peek_burst(void **s, unsigned n)
{
	return ring_peek_burst(&c, s, n);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000, sum = 0;
	unsigned burst = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 1;
	void *s[32];

	if (burst < 1 || burst > 32)
		return 2;
	ring_init(mem, SLOTS, SLOT);
	ring_prod_open(&p, mem, SLOTS, SLOT);
	ring_cons_open(&c, mem, SLOTS, SLOT);
	for (unsigned long i = 0; i < n; i += burst) {
		unsigned k;

		if (burst == 1) {
			*(unsigned long *)op_reserve() = i;
			op_commit(1);
			sum += *(unsigned long *)op_peek();
			op_release(1);
			continue;
		}
		k = op_reserve_burst(s, burst);
		for (unsigned j = 0; j < k; j++)
			*(unsigned long *)s[j] = i + j;
		op_commit(k);
		k = op_peek_burst(s, burst);
		for (unsigned j = 0; j < k; j++)
			sum += *(unsigned long *)s[j];
		op_release(k);
	}
	printf("ring_ops| %lu messages, burst %u, checksum %lu\n", n, burst, sum);
	return 0;
}
