/* Addresses the fault-injection example shards aim at
 * (shards/examples/fault_kwrite, fault_mmio): this kernel's image in the
 * upper half (include/rv/layout.h) and the board console's physical
 * address. Not part of the shard ABI; values from CMakeLists.txt. */
#include <stdint.h>

const uint64_t tess_probe_kernel_va = TESS_PROBE_KERNEL_VA;
const uint64_t tess_probe_device_pa = TESS_PROBE_DEVICE_PA;
