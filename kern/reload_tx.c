/* kern_reload_tx (kern/include/kern/reload.h): a binary reload frame goes
 * out as one unit under the console lock, so it never lands inside a log
 * line. The swap itself (kern_reload_apply) is not implemented yet. */
#include <kern/priv.h>
#include <kern/reload.h>

void kern_reload_tx(const void *buf, size_t n)
{
	kern_console_lock();
	plat_console_write(buf, n);
	kern_console_unlock();
}
