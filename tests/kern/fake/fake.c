/* The fake platform behind fake.h. */
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake.h"

int t_pass, t_fail;

const struct fake_step *fake_script[TESS_MAX_SHARDS];
unsigned fake_script_len[TESS_MAX_SHARDS];
void (*fake_run_fn[TESS_MAX_SHARDS])(unsigned id, struct arch_ctx *ctx, struct trap *t);
char fake_runs[4096];
unsigned fake_nruns;
uint64_t fake_seen[TESS_MAX_SHARDS][64];
_Atomic uint64_t fake_now;
unsigned fake_core;
_Atomic unsigned fake_ipis[TESS_MAX_CORES], fake_idles[TESS_MAX_CORES];
unsigned fake_loads[TESS_MAX_SHARDS], fake_stops[TESS_MAX_SHARDS], fake_builds[TESS_MAX_SHARDS];
int fake_load_fail[TESS_MAX_SHARDS], fake_build_fail;
uint64_t fake_boot_version[TESS_MAX_SHARDS];
unsigned char fake_nv[FAKE_NV_MAX];
uint64_t fake_nv_size;
long fake_nv_words_left = -1;
unsigned fake_installs[TESS_MAX_SHARDS], fake_commits[TESS_MAX_SHARDS];
size_t fake_installed_len[TESS_MAX_SHARDS], fake_committed_len[TESS_MAX_SHARDS];
int fake_install_fail[TESS_MAX_SHARDS], fake_commit_fail[TESS_MAX_SHARDS];
uint32_t fake_unmasked[16];
unsigned fake_nunmasked;
_Alignas(TESS_PAGE_SIZE) unsigned char fake_mem[FAKE_MEM_PAGES * TESS_PAGE_SIZE]; /* page-aligned, as RAM */
jmp_buf fake_halt_jmp;
int fake_halted;
int fake_threaded;
void (*fake_idle_hook)(unsigned core);

static char out[1 << 16];
static size_t out_len;
static sem_t wake[TESS_MAX_CORES];
static int sems_ready;

void fake_reset(void)
{
	memset(fake_script, 0, sizeof(fake_script));
	memset(fake_script_len, 0, sizeof(fake_script_len));
	memset(fake_run_fn, 0, sizeof(fake_run_fn));
	memset(fake_runs, 0, sizeof(fake_runs));
	fake_nruns = 0;
	memset(fake_seen, 0xff, sizeof(fake_seen));
	fake_now = 0;
	fake_core = 0;
	for (unsigned c = 0; c < TESS_MAX_CORES; c++) {
		fake_ipis[c] = 0;
		fake_idles[c] = 0;
	}
	memset(fake_loads, 0, sizeof(fake_loads));
	memset(fake_stops, 0, sizeof(fake_stops));
	memset(fake_builds, 0, sizeof(fake_builds));
	memset(fake_load_fail, 0, sizeof(fake_load_fail));
	memset(fake_boot_version, 0, sizeof(fake_boot_version));
	fake_nv_size = 0;
	fake_nv_words_left = -1;
	memset(fake_installs, 0, sizeof(fake_installs));
	memset(fake_commits, 0, sizeof(fake_commits));
	memset(fake_installed_len, 0, sizeof(fake_installed_len));
	memset(fake_committed_len, 0, sizeof(fake_committed_len));
	memset(fake_install_fail, 0, sizeof(fake_install_fail));
	memset(fake_commit_fail, 0, sizeof(fake_commit_fail));
	fake_build_fail = 0;
	fake_nunmasked = 0;
	memset(fake_mem, 0, sizeof(fake_mem));
	fake_halted = 0;
	fake_idle_hook = NULL;
	fake_out_clear();
	if (!sems_ready) {
		for (unsigned c = 0; c < TESS_MAX_CORES; c++)
			sem_init(&wake[c], 0, 0);
		sems_ready = 1;
	}
}

void fake_set_script(unsigned id, const struct fake_step *steps, unsigned n)
{
	fake_script[id] = steps;
	fake_script_len[id] = n;
}

const char *fake_out(void)
{
	return out;
}

void fake_out_clear(void)
{
	out_len = 0;
	out[0] = '\0';
}

struct tess_ctrl *fake_ctrl(unsigned id)
{
	return (struct tess_ctrl *)plat_pa_to_kva(FAKE_CTRL_PA(id));
}

struct kern_shard_stats fake_stats(unsigned id)
{
	struct kern_shard_stats st;

	memset(&st, 0, sizeof(st));
	if (kern_stats_get(id, &st) != 0)
		abort();
	return st;
}

/* ---- arch_* ---- */

void arch_ctx_init(struct arch_ctx *ctx, const struct tess_shard_cfg *cfg, uint64_t entry, uint64_t sp,
		   uint64_t arg0)
{
	unsigned starts = ctx->starts;

	(void)cfg;
	memset(ctx, 0, sizeof(*ctx));
	ctx->entry = entry;
	ctx->sp = sp;
	ctx->arg0 = arg0;
	ctx->ret = ~0ull;
	ctx->starts = starts + 1;
}

void arch_ctx_set_ret(struct arch_ctx *ctx, uint64_t val)
{
	ctx->ret = val;
	ctx->nret++;
}

int arch_aspace_build(const struct tess_shard_cfg *cfg)
{
	fake_builds[cfg->id]++;
	return fake_build_fail ? -1 : 0;
}

void arch_shard_run(struct kern_shard *s, struct arch_ctx *ctx, struct trap *t)
{
	unsigned id = kern_shard_cfg(s)->id;
	unsigned step = ctx->step++;

	if (fake_run_fn[id]) {
		fake_run_fn[id](id, ctx, t);
		return;
	}
	if (fake_nruns < sizeof(fake_runs) - 1)
		fake_runs[fake_nruns++] = (char)('a' + id);
	if (step < 64)
		fake_seen[id][step] = ctx->ret;
	ctx->ret = ~0ull;
	if (step < fake_script_len[id]) {
		const struct fake_step *st = &fake_script[id][step];

		if (st->hook)
			st->hook(id, ctx);
		fake_now += st->advance_ns;
		*t = st->trap;
		return;
	}
	*t = (struct trap){.kind = TRAP_SYSCALL, .nr = TESS_SYS_YIELD, .arg = {TESS_YIELD_WAIT}};
}

/* ---- plat_* ---- */

uint64_t plat_time_ns(void)
{
	return fake_now;
}

unsigned plat_core_id(void)
{
	return fake_core;
}

void plat_core_start(unsigned core)
{
	(void)core;
}

void plat_idle(unsigned core)
{
	fake_idles[core]++;
	if (fake_idle_hook)
		fake_idle_hook(core);
	if (fake_threaded)
		sem_wait(&wake[core]);
}

void plat_ipi(unsigned core)
{
	fake_ipis[core]++;
	if (fake_threaded)
		sem_post(&wake[core]);
}

void *plat_pa_to_kva(uint64_t pa)
{
	if (pa < FAKE_PA || pa >= FAKE_PA + sizeof(fake_mem))
		return NULL;
	return fake_mem + (pa - FAKE_PA);
}

void plat_console_write(const char *s, size_t n)
{
	if (getenv("FAKE_ECHO"))
		fwrite(s, 1, n, stdout);
	if (out_len + n >= sizeof(out))
		abort();
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
}

int plat_shard_load(const struct tess_shard_cfg *cfg)
{
	fake_loads[cfg->id]++;
	return fake_load_fail[cfg->id] ? -1 : 0;
}

void plat_shard_stop(const struct tess_shard_cfg *cfg)
{
	fake_stops[cfg->id]++;
}

int plat_shard_install(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	(void)payload;
	fake_installs[cfg->id]++;
	fake_installed_len[cfg->id] = len;
	return fake_install_fail[cfg->id] ? -1 : 0;
}

int plat_shard_commit(const struct tess_shard_cfg *cfg, const void *payload, size_t len)
{
	(void)payload;
	fake_commits[cfg->id]++;
	fake_committed_len[cfg->id] = len;
	return fake_commit_fail[cfg->id] ? -1 : 0;
}

uint64_t plat_shard_boot_version(const struct tess_shard_cfg *cfg)
{
	return fake_boot_version[cfg->id] ? fake_boot_version[cfg->id] : 1;
}

uint64_t plat_nv_size(void)
{
	return fake_nv_size;
}

int plat_nv_read(uint64_t off, void *buf, size_t n)
{
	if (off > fake_nv_size || n > fake_nv_size - off)
		return -1;
	memcpy(buf, fake_nv + off, n);
	return 0;
}

int plat_nv_write(uint64_t off, const void *buf, size_t n)
{
	const unsigned char *b = buf;

	if (off % 4 || n % 4 || off > fake_nv_size || n > fake_nv_size - off)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		if (fake_nv_words_left == 0)
			return -1;
		if (fake_nv_words_left > 0)
			fake_nv_words_left--;
		for (unsigned k = 0; k < 4; k++)
			fake_nv[off + i + k] &= b[i + k];
	}
	return memcmp(fake_nv + off, buf, n) ? -1 : 0;
}

int plat_nv_erase(uint64_t off, size_t n)
{
	uint64_t from = off / FAKE_NV_BLOCK * FAKE_NV_BLOCK;

	if (off > fake_nv_size || n > fake_nv_size - off)
		return -1;
	memset(fake_nv + from, 0xff, (off + n + FAKE_NV_BLOCK - 1) / FAKE_NV_BLOCK * FAKE_NV_BLOCK - from);
	return 0;
}

void plat_irq_unmask(uint32_t irq)
{
	if (fake_nunmasked < 16)
		fake_unmasked[fake_nunmasked++] = irq;
}

_Noreturn void plat_halt_all(void)
{
	fake_halted = 1;
	longjmp(fake_halt_jmp, 1);
}
