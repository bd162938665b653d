/* Names of fault kinds for log lines. FAULT_SIGNAL comes from the
 * simulator with a Linux signal number (signal(7)); the numbers are used
 * only to pick the text, so kern/ needs no host headers. */
#include <kern/lib.h>
#include <kern/priv.h>

static const char *const kinds[] = {"read",  "write",  "exec",	"undef",
				    "align", "signal", "other", "stack overflow"};

static const struct {
	uint8_t nr;
	const char *name;
} signals[] = {
	{4, "SIGILL"}, {5, "SIGTRAP"}, {6, "SIGABRT"}, {7, "SIGBUS"}, {8, "SIGFPE"}, {11, "SIGSEGV"},
};

void kern_fault_what(char *buf, size_t n, unsigned kind, uint64_t code)
{
	if (kind == FAULT_SIGNAL) {
		for (unsigned i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
			if (signals[i].nr == code) {
				tess_snprintf(buf, n, "%s", signals[i].name);
				return;
			}
		}
		tess_snprintf(buf, n, "signal %llu", (unsigned long long)code);
		return;
	}
	tess_snprintf(buf, n, "%s", kind < sizeof(kinds) / sizeof(kinds[0]) ? kinds[kind] : "other");
}
