/* Addresses the fault-injection example shards aim at
 * (shards/examples/fault_kwrite, fault_mmio): this kernel's image in the
 * top 2 GiB (TESS_PROBE_KERNEL_VA, from CMakeLists.txt) and a device the
 * shard is not granted. The other targets aim at the console's MMIO
 * window; here the console is an I/O port (port access is tried by
 * test/fault_trap), so the probe is the local APIC at its architectural
 * default base (SDM Vol. 3A §10.4.1), which the kernel owns. Not part of
 * the shard ABI. */
#include <stdint.h>

const uint64_t tess_probe_kernel_va = TESS_PROBE_KERNEL_VA;
const uint64_t tess_probe_device_pa = 0xfee00000;
