/* forger: console forgery attempts (issue 10 item 9; tests/sim/
 * test_sim_console_forgery.py and tests/qemu/test_hostile.py). Each line
 * tries to overwrite its own "shard:forger| " prefix on a terminal and show
 * a "kern| " line the kernel never printed: a carriage return, an escape
 * sequence (erase line, cursor to column 1), backspaces, a line feed with
 * a vertical tab. Only printable text may reach the console. */
#include <tessera/shard.h>
#include "tessera_shard_cfg.h"

void shard_init(enum tess_start_reason why)
{
	tess_log("\rkern| shard tight: halted");
	tess_log("\x1b[2K\x1b[1Gkern| reload: 'tight' now runs version 666");
	tess_log("ab\b\b\b\b\b\b\b\b\b\bkern| forged by backspace");
	tess_log("\v\fkern| forged by form feed");
	tess_log("done (reason %d)", why);
}
