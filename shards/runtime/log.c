/* tess_log: format one line into the control page's console buffer and hand
 * it to the kernel, which prefixes "shard:<name>| " and ends the line. The
 * text carries no trailing newline; over-long lines are truncated to
 * TESS_CONSOLE_BUF - 1 characters. */
#include <stdarg.h>
#include <tessera/fmt.h>
#include <tessera/shard.h>

void tess_log(const char *fmt, ...)
{
	struct tess_ctrl *ctrl = tess_ctrl();
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = tess_vsnprintf(ctrl->console, sizeof(ctrl->console), fmt, ap);
	va_end(ap);
	tess_syscall(TESS_SYS_CONSOLE, n, 0, 0, 0);
}
