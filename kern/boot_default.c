/* kern_boot() on the generated tables. A file of its own so that callers
 * using kern_boot_cfg() only (unit tests) need no `tess_system`. */
#include <kern/kern.h>
#include <kern/sched.h>

int kern_boot(void)
{
	return kern_boot_cfg(&tess_system);
}
