/* Split virtqueues, the device's side (virtio 1.2 section 2.7). The rings
 * live in guest RAM, written concurrently by a shard that may be buggy or
 * hostile: the three areas are checked to lie in RAM once, when the queue
 * is enabled (their host pointers cannot move: RAM is one mapping for the
 * whole run); every ring index is masked by the queue size; every
 * descriptor is copied out once and checked (id, chain length, address
 * range, flags) before anything uses it. Ring fields are little-endian
 * (2.7: "virtio 1.x is little-endian"); the indices the driver publishes
 * are read with acquire ordering, ours written with release. */
#include <endian.h>
#include <linux/virtio_ring.h>
#include <string.h>
#include "dev.h"

/* The host pointers of an enabled queue: valid while q->ready. Kept
 * beside sim_vq (not in it) because their layout is Linux's. */
struct rings {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};

static struct rings rings_of(const struct sim_vq *q)
{
	/* sim_vq_enable checked these spans; RAM does not move. */
	return (struct rings){
		.desc = sim_ram_span(q->desc, 16ull * q->num),
		.avail = sim_ram_span(q->avail, 6ull + 2ull * q->num),
		.used = sim_ram_span(q->used, 6ull + 8ull * q->num),
	};
}

static uint16_t load16(const uint16_t *p, int order)
{
	return le16toh(__atomic_load_n(p, order));
}

static void store16(uint16_t *p, uint16_t v, int order)
{
	__atomic_store_n(p, htole16(v), order);
}

void sim_vq_reset(struct sim_vq *q)
{
	memset(q, 0, sizeof *q);
}

/* 2.7: descriptor table 16-byte aligned, available ring 2, used ring 4;
 * sizes 16 * num, 6 + 2 * num, 6 + 8 * num (with the event words). */
int sim_vq_enable(struct sim_vq *q, uint16_t max, bool event_idx)
{
	if (q->num == 0 || q->num > max || (q->num & (q->num - 1)) != 0)
		return -1;
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
		return -1;
	if (!sim_ram_span(q->desc, 16ull * q->num) || !sim_ram_span(q->avail, 6ull + 2ull * q->num) ||
	    !sim_ram_span(q->used, 6ull + 8ull * q->num))
		return -1;
	q->event_idx = event_idx;
	q->last_avail = q->used_idx = q->signalled = 0;
	q->signalled_valid = false;
	q->ready = true;
	return 0;
}

uint16_t sim_vq_pending(const struct sim_vq *q)
{
	if (!q->ready)
		return 0;
	return (uint16_t)(load16(&rings_of(q).avail->idx, __ATOMIC_ACQUIRE) - q->last_avail);
}

int sim_vq_pop(struct sim_vq *q, struct sim_vq_chain *c)
{
	struct rings r;
	uint16_t avail, mask = q->num - 1, i;
	uint64_t readable = 0, writable = 0;

	if (!q->ready)
		return 0;
	r = rings_of(q);
	avail = load16(&r.avail->idx, __ATOMIC_ACQUIRE);
	if (avail == q->last_avail)
		return 0;
	/* The driver cannot have more than `num` buffers outstanding. */
	if ((uint16_t)(avail - q->last_avail) > q->num)
		return -1;
	i = load16(&r.avail->ring[q->last_avail & mask], __ATOMIC_RELAXED);
	if (i >= q->num)
		return -1;
	c->head = i;
	c->nseg = 0;
	for (;;) {
		struct vring_desc d;
		uint16_t flags;
		struct sim_vq_seg *s;

		/* A chain longer than the queue loops (2.7.5.2). */
		if (c->nseg == SIM_VQ_SEGS || c->nseg == q->num)
			return -1;
		memcpy(&d, &r.desc[i], sizeof d); /* once: the driver may change it */
		flags = le16toh(d.flags);
		s = &c->seg[c->nseg++];
		s->pa = le64toh(d.addr);
		s->len = le32toh(d.len);
		s->write = flags & VRING_DESC_F_WRITE;
		/* INDIRECT was not offered; readable after writable is
		 * forbidden (2.7.4.2). */
		if ((flags & VRING_DESC_F_INDIRECT) || (!s->write && writable))
			return -1;
		if (s->len && !sim_ram_span(s->pa, s->len))
			return -1;
		*(s->write ? &writable : &readable) += s->len;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = le16toh(d.next);
		if (i >= q->num)
			return -1;
	}
	c->readable = readable > UINT32_MAX ? UINT32_MAX : (uint32_t)readable;
	c->writable = writable > UINT32_MAX ? UINT32_MAX : (uint32_t)writable;
	q->last_avail++;
	return 1;
}

void sim_vq_push(struct sim_vq *q, uint32_t id, uint32_t len)
{
	struct rings r = rings_of(q);
	struct vring_used_elem *e = &r.used->ring[q->used_idx & (q->num - 1)];

	e->id = htole32(id);
	e->len = htole32(len);
	q->used_idx++;
	/* The element before the index that announces it (2.7.8). */
	store16(&r.used->idx, q->used_idx, __ATOMIC_RELEASE);
}

/* 2.7.7: with VIRTIO_F_EVENT_IDX the driver names the used index it wants
 * to be interrupted at (used_event, after the available ring); without it,
 * VIRTQ_AVAIL_F_NO_INTERRUPT asks for none. */
bool sim_vq_should_interrupt(struct sim_vq *q)
{
	struct rings r = rings_of(q);
	uint16_t old = q->signalled;
	bool valid = q->signalled_valid;

	if (valid && old == q->used_idx)
		return false; /* nothing new since we last decided */
	/* Our used->idx store before the driver's flag or event word. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->signalled = q->used_idx;
	q->signalled_valid = true;
	if (!q->event_idx)
		return !(load16(&r.avail->flags, __ATOMIC_RELAXED) & VRING_AVAIL_F_NO_INTERRUPT);
	return !valid || vring_need_event(load16(&r.avail->ring[q->num], __ATOMIC_RELAXED), q->used_idx, old);
}

/* 2.7.10: with EVENT_IDX the driver notifies once it makes available the
 * entry named by avail_event (after the used ring); without it,
 * VIRTQ_USED_F_NO_NOTIFY asks for none. Half the index space ahead is an
 * entry the driver cannot reach (it never has more than num buffers out). */
uint16_t sim_vq_kick_wanted(struct sim_vq *q, bool want)
{
	struct rings r = rings_of(q);

	if (!q->ready)
		return 0;
	if (q->event_idx)
		store16((uint16_t *)&r.used->ring[q->num],
			want ? q->last_avail : (uint16_t)(q->last_avail + 0x8000u), __ATOMIC_RELAXED);
	else
		store16(&r.used->flags, want ? 0 : VRING_USED_F_NO_NOTIFY, __ATOMIC_RELAXED);
	if (!want)
		return 0;
	/* The request before the re-read of avail->idx: a buffer the driver
	 * published without seeing the request is seen here. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return sim_vq_pending(q);
}

static uint32_t copy(const struct sim_vq_chain *c, bool write, uint32_t off, uint8_t *host, uint32_t n)
{
	uint32_t done = 0;

	for (unsigned i = 0; i < c->nseg && done < n; i++) {
		const struct sim_vq_seg *s = &c->seg[i];
		uint32_t take;
		uint8_t *g;

		if (s->write != write)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		take = s->len - off < n - done ? s->len - off : n - done;
		g = (uint8_t *)sim_ram_span(s->pa, s->len) + off; /* checked by sim_vq_pop */
		if (write)
			memcpy(g, host + done, take);
		else
			memcpy(host + done, g, take);
		done += take;
		off = 0;
	}
	return done;
}

uint32_t sim_vq_write(const struct sim_vq_chain *c, uint32_t off, const void *src, uint32_t n)
{
	return copy(c, true, off, (uint8_t *)(uintptr_t)src, n);
}

uint32_t sim_vq_read(const struct sim_vq_chain *c, uint32_t off, void *dst, uint32_t n)
{
	return copy(c, false, off, dst, n);
}
