/* reload_init (kern/reload.h): the protocol on the staging buffer the plan
 * reserved, with the device key the build embedded. Apart from proto.c so
 * that the protocol builds, and is tested, without a running kernel. */
#include <kern/priv.h>
#include <kern/reload.h>
#include "internal.h"

int reload_init(void)
{
	void *staging;

	if (!kern_sys || kern_sys->reload_staging_size == 0)
		return -1;
	staging = plat_pa_to_kva(kern_sys->reload_staging_pa);
	if (!staging)
		return -1;
	reload_proto_init(staging, (size_t)kern_sys->reload_staging_size, tess_reload_key, RELOAD_KEY_LEN);
	return 0;
}
