/* fault_sysreg: tries, one per start, each access to per-core state that a
 * shard must not reach: timer and counter registers (a shard that stops
 * its core's tick stops the watchdog), the PMU, the debug channel, cache
 * maintenance, interrupt masks, kernel registers. The list is the
 * platform's (tess_probe_sysregs/_run, platform/<arch>/shard/sysreg.c).
 * Each must fault as an undefined instruction; the on_fault policy
 * restarts the shard, which then tries the next one (the control page
 * counts its restarts). Logs "probe N: <what>" before each access, "probe
 * N: <what> did not fault" if it returns, "probes done (N)" after the
 * last, then sleeps. */
#include <stdint.h>
#include <tessera/shard.h>

extern const char *const tess_probe_sysregs[] __attribute__((weak)); /* NULL-terminated */
extern void tess_probe_sysreg_run(unsigned i) __attribute__((weak));

static unsigned next;

void shard_init(enum tess_start_reason why)
{
	next = tess_ctrl()->restarts;
	tess_log("up (reason %d)", why);
}

void shard_poll(void)
{
	unsigned n = 0;
	const char *what;

	while (tess_probe_sysregs && tess_probe_sysregs[n])
		n++;
	if (next >= n) {
		tess_log("probes done (%u)", next);
		/* Nothing notifies this shard: it sleeps for good. */
		tess_syscall(TESS_SYS_YIELD, TESS_YIELD_WAIT, 0, 0, 0);
		return;
	}
	what = tess_probe_sysregs[next];
	tess_log("probe %u: %s", next, what);
	tess_probe_sysreg_run(next);
	tess_log("probe %u: %s did not fault", next, what);
	next++;
}
