/* What kern/ uses of a C library: <string.h> (the system's on the host,
 * kern/libc on targets) and the printf engine of <tessera/fmt.h>. */
#ifndef KERN_LIB_H
#define KERN_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <tessera/fmt.h>

/* A duration as text for log lines: "10 s", "250 ms", "40 us", "7 ns"
 * (the largest unit that divides it exactly; 0 is "0 ns"). kern/log.c. */
size_t kfmt_duration(char *buf, size_t n, uint64_t ns);

#endif
