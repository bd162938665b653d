/* The unit tests' stand-in for a platform's saved user context: enough to
 * see what the kernel asked for (entry, stack, start reason, return value)
 * and where the shard's script is. */
#ifndef FAKE_ARCH_CTX_H
#define FAKE_ARCH_CTX_H

#include <stdint.h>

struct arch_ctx {
	uint64_t entry, sp, arg0; /* from arch_ctx_init */
	uint64_t ret;		  /* last arch_ctx_set_ret value */
	unsigned nret;		  /* arch_ctx_set_ret calls since init */
	unsigned starts;	  /* arch_ctx_init calls */
	unsigned step;		  /* next step of the shard's script */
};

#endif
