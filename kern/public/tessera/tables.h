/* Types of the build-time tables that `tessera gen` emits (gen/kern/tables.c).
 * The kernel boots from these and discovers nothing at run time.
 * All addresses are planned by codegen/tessera/plan/layout.py. */
#ifndef TESSERA_TABLES_H
#define TESSERA_TABLES_H

#include <stdint.h>
#include <tessera/limits.h>

enum tess_policy {
	TESS_POLICY_RESTART = 0,
	TESS_POLICY_HALT = 1,
	TESS_POLICY_PANIC = 2, /* stop the whole system */
};

/* Access rights of a mapping. */
#define TESS_MAP_R	0x1u
#define TESS_MAP_W	0x2u
#define TESS_MAP_X	0x4u
#define TESS_MAP_DEVICE 0x8u  /* device memory attributes, no speculation */
#define TESS_MAP_NC	0x10u /* normal memory, not cached (a DMA region with cached: false) */

enum tess_map_kind {
	TESS_MAP_KIND_IMAGE = 0,   /* code + data loaded from the shard's part */
	TESS_MAP_KIND_STACK = 1,   /* zeroed, RW, one guard page above the image */
	TESS_MAP_KIND_CTRL = 2,	   /* struct tess_ctrl page */
	TESS_MAP_KIND_CHANNEL = 3, /* shared ring */
	TESS_MAP_KIND_REGION = 4,  /* named shared region */
	TESS_MAP_KIND_PERSIST = 5, /* kept across restart and reload */
	TESS_MAP_KIND_MMIO = 6,	   /* granted device window */
	TESS_MAP_KIND_DMA = 7,	   /* DMA region: pa is the bus address devices use */
};

/* One contiguous mapping in a shard's address space. */
struct tess_map {
	uint64_t va;
	uint64_t pa;
	uint64_t size; /* multiple of TESS_PAGE_SIZE */
	uint32_t attr; /* TESS_MAP_* */
	uint32_t kind; /* enum tess_map_kind */
};

enum tess_chan_role { TESS_ROLE_PRODUCER = 0, TESS_ROLE_CONSUMER = 1 };

/* A shard's end of a channel. Its local event bit is its index in the
 * shard's ends[] array. */
struct tess_chan_end {
	uint16_t channel; /* index into tess_system.channels */
	uint8_t role;	  /* enum tess_chan_role */
	uint8_t lane;	  /* the lane that uses this end (< the shard's nlanes) */
};

struct tess_irq_grant {
	uint32_t irq; /* platform interrupt number (GIC INTID, PLIC source) */
	uint8_t bit;  /* local event bit: nends + index */
	uint8_t lane; /* the lane it is delivered to (< the shard's nlanes) */
	uint8_t pad[2];
};

/* One execution context of a shard: lane i runs on cores[i] with its own
 * stack (an unmapped guard page below it) and control page. Lane 0's
 * values are also the shard's core, stack_top and ctrl_pa/ctrl_va. */
struct tess_lane_cfg {
	uint16_t core;
	uint16_t pad[3];
	uint64_t stack_top; /* VA, 16-byte aligned */
	uint64_t ctrl_pa, ctrl_va;
};

struct tess_shard_cfg {
	const char *name;
	uint16_t id;
	uint16_t core;
	/* Private memory: mem_size bytes at mem_pa: the image part, then bss,
	 * then the stack; bss and stack are zeroed at every start (what lies
	 * between them, which no shard code refers to, is not). In VA the
	 * image (+ bss) room starts at mem_va and the stack ends at stack_top,
	 * with one unmapped guard page between them (the maps: image, stack),
	 * so stack_top = mem_va + mem_size + TESS_PAGE_SIZE. */
	uint64_t mem_pa, mem_va, mem_size;
	uint64_t entry;	    /* VA of _tess_start */
	uint64_t stack_top; /* VA, 16-byte aligned */
	uint64_t ctrl_pa, ctrl_va;
	uint64_t persist_pa, persist_va, persist_size; /* size 0: none */
	/* Planner-reserved pool for this shard's translation tables. */
	uint64_t pt_pa, pt_size;
	uint64_t watchdog_ns;
	uint8_t on_hang;  /* enum tess_policy */
	uint8_t on_fault; /* enum tess_policy */
	uint16_t restart_max;
	uint32_t pad;
	uint64_t restart_window_ns;
	const struct tess_map *maps;
	uint16_t nmaps;
	uint16_t nends;
	uint16_t nirqs;
	uint16_t nlanes; /* >= 1: one per core of the manifest's `cores` */
	const struct tess_chan_end *ends;
	const struct tess_irq_grant *irqs;
	/* Hot reload: mem_size bytes that keep the shard's last accepted
	 * reloaded image, so restarts (and the rollback of a later reload)
	 * load it instead of the boot image's part. 0: none planned. */
	uint64_t reload_pa;
	const struct tess_lane_cfg *lanes;
};

struct tess_chan_cfg {
	const char *name;
	uint16_t from, to;	    /* shard ids */
	uint8_t from_bit, to_bit;   /* local event bits at each end */
	uint8_t from_lane, to_lane; /* the lane of each end's shard */
	uint32_t slots, slot_size;  /* slots is a power of two */
	uint64_t pa, va, size;	    /* size = TESS_CHAN_HDR_SIZE + slots*slot_size, page-rounded */
};

struct tess_core_cfg {
	/* shard ids in manifest order; a multi-core shard's lane here is the
	 * one whose core this is */
	const uint16_t *order;
	uint16_t nshards;
};

struct tess_system_cfg {
	const char *name;
	uint8_t manifest_hash[32]; /* SHA-256 of the manifest's canonical form */
	uint64_t tick_ns;
	uint64_t kernel_pa, kernel_size; /* kernel reserve at the start of RAM */
	uint64_t console_pa;		 /* board console device (MMIO or port) */
	uint16_t ncores, nshards, nchannels, pad;
	const struct tess_core_cfg *cores;
	const struct tess_shard_cfg *shards;
	const struct tess_chan_cfg *channels;
	/* Hot reload (docs/reload.md): where one incoming package is staged,
	 * sized for the largest shard's mem_size + package header + MAC.
	 * Size 0: no staging planned (reload refused). */
	uint64_t reload_staging_pa, reload_staging_size;
	/* The kernel's persistent store of anti-rollback counters
	 * (kern/rollback.c): a NOR flash window no shard can be granted (the
	 * board's rollback_store). Size 0: the board has none. */
	uint64_t nv_pa, nv_size;
};

/* Emitted by `tessera gen` into gen/kern/tables.c. */
extern const struct tess_system_cfg tess_system;

#endif
