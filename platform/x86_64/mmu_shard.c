/* One 4-level address space per shard, built once at boot in the shard's
 * planner-reserved pool [pt_pa, pt_pa + pt_size). The lower half holds the
 * shard's cfg->maps as user pages (platform/common/pt.c builds them from
 * the entry format below); PML4 slot X86_KSLOT_PML4 is the kernel's
 * (shared PDPT, supervisor-only, global), so a trap needs no CR3 load. With PCID
 * the shard's CR3 carries PCID = shard id + 1 (PCID 0 is the kernel's
 * table, used only at boot) and loads keep its TLB entries (SDM Vol. 3A
 * §4.10.1); without, every CR3 load drops the non-global entries. */
#include <stdatomic.h>
#include <string.h>
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/load.h>
#include <plat/pt.h>
#include <x86/plat.h>
#include <x86/pte.h>
#include <x86/regs.h>

static uint64_t shard_cr3[TESS_MAX_SHARDS];
/* Lanes (x86_mmu_lane_sync): bumped by every (re)load of a shard, and what
 * each core has caught up with. */
static _Atomic uint32_t loads[TESS_MAX_SHARDS];
static uint32_t seen[TESS_MAX_CORES][TESS_MAX_SHARDS]; /* row c: core c only */

/* Leaf bits of a shard map: user, writable only if W, no-execute unless X
 * (device windows never execute); device windows and uncached DMA regions
 * (`cached: false`) UC. The kernel's RAM map still covers such a region
 * write-back, but the kernel never accesses it; the only cached lines of it
 * are the CPU's speculative ones, which a UC access snoops on a CPU with
 * self-snoop (CPUID.01H:EDX.SS, Vol. 2A Table 3-11: "management of
 * conflicting memory types"; §11.12.4 on such aliases). */
static uint64_t page(uint64_t pa, uint32_t attr)
{
	uint64_t b = PTE_P | PTE_U;
	if (attr & TESS_MAP_W)
		b |= PTE_W;
	if (!(attr & TESS_MAP_X) || (attr & TESS_MAP_DEVICE))
		b |= PTE_NX;
	if (attr & (TESS_MAP_DEVICE | TESS_MAP_NC))
		b |= PTE_PCD | PTE_PWT;
	return pa | b;
}

static uint64_t table(uint64_t pa)
{
	return pa | PTE_TABLE;
}

static uint64_t entry_pa(uint64_t e)
{
	return e & PTE_ADDR;
}

/* The shard half ends below the last lower-half page (layout.h). */
static const struct pt_fmt x86_pt = {X86_LEVELS, X86_USER_TOP, PTE_P, table, page, entry_pa};

/* What x86_64 refuses besides plat/pt.h's checks: memory the kernel's
 * 1 GiB RAM map cannot reach (it copies shard images and zeroes them
 * through it), and a device window in the first MiB, where a port-I/O
 * device's `reg` (a port number) would land. */
static const char *x86_map_problem(const struct tess_map *m)
{
	if (m->kind == TESS_MAP_KIND_MMIO && m->pa < 0x100000)
		return "is a device window in the first MiB (a port-I/O device? ports are never granted)";
	if (m->kind != TESS_MAP_KIND_MMIO && m->pa + m->size > X86_RAM_LIMIT)
		return "is memory beyond the kernel's 1 GiB map";
	return 0;
}

int arch_aspace_build(const struct tess_shard_cfg *cfg)
{
	if (cfg->id >= TESS_MAX_SHARDS)
		return -1; /* kern/check.c refuses such tables first */
	if (cfg->pt_pa + cfg->pt_size > X86_RAM_LIMIT) {
		kern_log("mmu: shard %s: page-table pool beyond the kernel's 1 GiB map", cfg->name);
		return -1;
	}
	for (unsigned i = 0; i < cfg->nmaps; i++) {
		const char *why = x86_map_problem(&cfg->maps[i]);
		if (why) {
			kern_log("mmu: shard %s: map %u at 0x%lx %s: refused", cfg->name, i,
				 (unsigned long)cfg->maps[i].va, why);
			return -1;
		}
	}
	uint64_t *root = pt_build(&x86_pt, cfg);
	if (!root)
		return -1;
	root[X86_KSLOT_PML4] = x86_kernel_pml4[X86_KSLOT_PML4];
	shard_cr3[cfg->id] = x86_kpa(root) | (x86_feat.pcid ? cfg->id + 1u : 0);
	return 0;
}

uint64_t x86_shard_cr3(unsigned shard_id)
{
	return shard_id < TESS_MAX_SHARDS ? shard_cr3[shard_id] : 0;
}

void x86_mmu_switch(struct x86_cpu *cpu, uint64_t cr3)
{
	if (cpu->cr3 == cr3)
		return;
	CR_WRITE(cr3, x86_feat.pcid ? cr3 | CR3_NOFLUSH : cr3);
	cpu->cr3 = cr3;
}

/* Drop this core's translations of the shard (a single-core shard only
 * ever runs on its own core, and plat_shard_load/install run there, or at
 * boot before the other cores start; a multi-core shard's other cores
 * catch up in x86_mmu_lane_sync). Current: reload its CR3 with bit 63 clear, which
 * drops its PCID's entries (without PCID, every non-global one). Else with
 * PCID its entries may be cached under its PCID: INVPCID single-context,
 * or a flushing load of its CR3 and back (SDM Vol. 3A §4.10.4.1). Without
 * PCID a CR3 load already dropped them. */
static void flush(const struct tess_shard_cfg *cfg)
{
	uint64_t mine = shard_cr3[cfg->id], cur = CR_READ(cr3);
	if (cur == mine) {
		CR_WRITE(cr3, mine);
	} else if (x86_feat.pcid && x86_feat.invpcid) {
		struct {
			uint64_t pcid, addr;
		} d = {mine & 0xfff, 0};
		__asm__ volatile("invpcid %0, %1" ::"m"(d), "r"(1ul) : "memory");
	} else if (x86_feat.pcid) {
		CR_WRITE(cr3, mine);
		CR_WRITE(cr3, cur | CR3_NOFLUSH);
	}
}

int arch_mmu_set_exec(const struct tess_shard_cfg *cfg, uint64_t rx)
{
	uint64_t cr3 = x86_shard_cr3(cfg->id);
	if (!cr3 || pt_set_exec(&x86_pt, cfg, x86_kva(cr3 & PTE_ADDR), rx) < 0)
		return -1;
	flush(cfg);
	atomic_fetch_add_explicit(&loads[cfg->id], 1, memory_order_release);
	return 0;
}

/* A multi-core shard is (re)loaded by the core of whichever lane stopped
 * last (kern/lane.c), with every lane stopped: the TLB maintenance other
 * x86 kernels broadcast by IPI is done here instead, by each lane's core
 * before it next runs the shard: drop its translations of the shard's PCID
 * and serialize (CPUID), as code written on another core requires (SDM
 * Vol. 3A §8.1.3 "Handling Self- and Cross-Modifying Code"). */
void x86_mmu_lane_sync(unsigned core, const struct tess_shard_cfg *cfg)
{
	uint32_t n = atomic_load_explicit(&loads[cfg->id], memory_order_acquire);
	uint32_t a = 0, b, c = 0, d;

	if (core >= TESS_MAX_CORES || seen[core][cfg->id] == n)
		return;
	seen[core][cfg->id] = n;
	flush(cfg);
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
}

/* Every lane of a multi-core shard runs on its core with the shard's one
 * CR3 (one PCID); x86_mmu_lane_sync brings each core up to date. */
unsigned plat_max_lanes(void)
{
	return TESS_MAX_LANES;
}

/* x86 keeps instruction fetches coherent with stores on the same core; code
 * written for another core needs a serializing instruction there before
 * it runs (SDM Vol. 3A §8.1.3 "Handling Self- and Cross-Modifying Code").
 * A shard's code is written on its own core (restart, reload) or at boot
 * before its core starts (INIT-SIPI). Nothing to do. */
void arch_zero(void *p, uint64_t n)
{
	memset(p, 0, n);
}

void arch_code_written(uint8_t *dst, uint64_t n)
{
	(void)dst;
	(void)n;
}

/* SHA-NI (CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29], SDM Vol. 2 "SHA256RNDS2")
 * would fit here, but QEMU 7.2's TCG does not offer it (`-cpu
 * max,+sha-ni,enforce` is refused), so no such code could be run by the
 * tests: the image is hashed by the portable function. */
sha256_blocks_fn *arch_sha256(const char **what)
{
	(void)what;
	return 0;
}
