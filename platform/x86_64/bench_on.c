/* Benchmark build only (TESS_X86_BENCH=ON, bench/qemu_x86_64.py): TSC stamps
 * on the kernel's own paths, between the moment the platform regains
 * control from one shard and the moment it hands the CPU to the next
 * (right before x86_enter_user), so the figures exclude shard code:
 *
 *   yield     a YIELD trap on a core -> entry of another shard there
 *   wake      plat_ipi to a core -> entry of a shard on that core (the
 *             notify of a shard waiting on another core: IPI, hlt exit,
 *             scheduler)
 *   restart   a fault trap -> entry of the same, restarted, context
 *   boot      kernel entry (t = 0 of plat_time_ns) -> every shard entered
 *
 * Core 0 prints min / median / max of the samples of the last interval on
 * its ticks ("kern| bench: ..."), every BENCH_EVERY_NS. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <x86/plat.h>
#include <x86/regs.h>

#define BENCH_EVERY_NS 2000000000ull
#define NSAMPLES       256
enum { M_YIELD, M_WAKE, M_RESTART, NMETRICS };
static const char *const names[NMETRICS] = {"yield -> next shard, same core",
					    "notify -> wake, other core (IPI)", "fault -> restarted"};

static struct {
	uint64_t yield_tsc, fault_tsc;
	const struct arch_ctx *yield_ctx, *fault_ctx;
	volatile uint64_t ipi_tsc; /* written by the notifying core */
	uint32_t n[NMETRICS];
	uint32_t sample[NMETRICS][NSAMPLES];
} st[TESS_MAX_CORES];
static const struct arch_ctx *entered[TESS_MAX_SHARDS];
static unsigned nentered;
static uint64_t last_report;

static void add(unsigned core, unsigned m, uint64_t tsc)
{
	uint64_t ns = tsc * 1000000000ull / x86_tsc_hz;
	uint32_t i = st[core].n[m]++;
	st[core].sample[m][i % NSAMPLES] = ns > 0xffffffffu ? 0xffffffffu : (uint32_t)ns;
}

void x86_bench_trap(struct x86_cpu *cpu, const struct arch_ctx *ctx, uint64_t kind)
{
	if (kind == TRAP_SYSCALL) {
		st[cpu->core].yield_tsc = rdtsc();
		st[cpu->core].yield_ctx = ctx;
	} else if (kind == TRAP_FAULT) {
		st[cpu->core].fault_tsc = rdtsc();
		st[cpu->core].fault_ctx = ctx;
	}
}

void x86_bench_ipi(unsigned core)
{
	if (core < TESS_MAX_CORES && !st[core].ipi_tsc)
		st[core].ipi_tsc = rdtsc();
}

static void first_entry(const struct arch_ctx *ctx)
{
	unsigned n = __atomic_load_n(&nentered, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < n && i < TESS_MAX_SHARDS; i++)
		if (entered[i] == ctx)
			return;
	n = __atomic_fetch_add(&nentered, 1, __ATOMIC_ACQ_REL);
	if (n < TESS_MAX_SHARDS)
		entered[n] = ctx;
	if (n + 1 == tess_system.nshards)
		kern_log("bench: kernel entry -> all %u shards entered: %lu ns", n + 1,
			 (unsigned long)plat_time_ns());
}

void x86_bench_enter(struct x86_cpu *cpu, const struct arch_ctx *ctx)
{
	uint64_t now = rdtsc();
	unsigned c = cpu->core;
	if (st[c].yield_tsc && ctx != st[c].yield_ctx)
		add(c, M_YIELD, now - st[c].yield_tsc);
	st[c].yield_tsc = 0;
	if (st[c].ipi_tsc) {
		add(c, M_WAKE, now - st[c].ipi_tsc);
		st[c].ipi_tsc = 0;
	}
	if (st[c].fault_tsc && ctx == st[c].fault_ctx) {
		add(c, M_RESTART, now - st[c].fault_tsc);
		st[c].fault_tsc = 0;
	}
	if (__atomic_load_n(&nentered, __ATOMIC_ACQUIRE) < tess_system.nshards)
		first_entry(ctx);
}

static uint32_t nth(uint32_t *v, uint32_t n, uint32_t k)
{
	for (uint32_t i = 1; i < n; i++) /* insertion sort: n <= 8 * 256 */
		for (uint32_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[k];
}

void x86_bench_report(void)
{
	static uint32_t all[TESS_MAX_CORES * NSAMPLES];
	uint64_t now = plat_time_ns();
	if (now - last_report < BENCH_EVERY_NS)
		return;
	last_report = now;
	for (unsigned m = 0; m < NMETRICS; m++) {
		uint32_t n = 0, total = 0;
		for (unsigned c = 0; c < TESS_MAX_CORES; c++) {
			uint32_t k = st[c].n[m] < NSAMPLES ? st[c].n[m] : NSAMPLES;
			total += st[c].n[m];
			for (uint32_t i = 0; i < k; i++)
				all[n++] = st[c].sample[m][i];
			st[c].n[m] = 0;
		}
		if (!n)
			continue;
		uint32_t med = nth(all, n, n / 2);
		kern_log("bench: %s: %u samples, min %u ns, median %u ns, max %u ns", names[m], total, all[0],
			 med, all[n - 1]);
	}
}
