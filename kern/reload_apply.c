/* The kernel's side of kern/include/kern/reload.h beyond the protocol:
 * kern_reload_apply refuses a version that is not newer than the running
 * one (replayed old packages, docs/reload.md "Authentication"), lets the
 * platform prepare the verified package (plat_shard_prepare) and hands it
 * to the swap (swap.c); kern_reload_init and
 * kern_reload_poll are the platforms' entry points. A file of its own: it
 * needs kern/reload/ and the device key, which only reload builds link. */
#include <kern/lib.h>
#include <kern/priv.h>
#include <kern/reload.h>

static char why[96];

int kern_reload_apply(const struct tess_shard_cfg *cfg, const void *payload, size_t len, uint64_t version)
{
	struct kern_shard *s = kern_shard_by_id(cfg->id);

	if (!s) {
		reload_finish(0, 0, "swap failed: no such shard in the running system");
		return -1;
	}
	if (version <= s->version) {
		tess_snprintf(why, sizeof(why), "version %llu is not newer than the running version %llu",
			      (unsigned long long)version, (unsigned long long)s->version);
		reload_finish(0, 0, why);
		return -1;
	}
	if (kern_swap_claim() != 0) {
		reload_finish(0, 0, "busy: a swap is in progress");
		return -1;
	}
	/* The expensive part of the install, here, while the shard's core
	 * keeps running its shards (docs/reload.md "Swap"). A failure leaves
	 * the running version alone. */
	if (plat_shard_prepare(cfg, payload, len) != 0) {
		kern_swap_unclaim();
		kern_log("reload: shard %s: version %llu: prepare failed, version %llu keeps running",
			 cfg->name, (unsigned long long)version, (unsigned long long)s->version);
		reload_finish(0, 0, "prepare failed");
		return -1;
	}
	kern_swap_request(s, payload, len, version);
	return RELOAD_APPLY_PENDING;
}

int kern_reload_init(void)
{
	void *staging;

	if (!kern_sys || kern_sys->reload_staging_size == 0)
		return -1;
	staging = plat_pa_to_kva(kern_sys->reload_staging_pa);
	if (!staging)
		return -1;
	reload_init(staging, (size_t)kern_sys->reload_staging_size, tess_reload_key, RELOAD_KEY_LEN);
	return 0;
}

void kern_reload_poll(uint64_t now_ns)
{
	int accepted;
	uint64_t version;
	const char *reason;

	if (kern_swap_outcome(&accepted, &version, &reason))
		reload_finish(accepted, version, reason);
	reload_poll(now_ns);
}
