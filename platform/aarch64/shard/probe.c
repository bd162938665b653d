/* Addresses the fault-injection example shards aim at
 * (shards/examples/fault_kwrite, fault_mmio): this kernel's image in the
 * TTBR1 high half and the board console's physical address. Not part of
 * the shard ABI; the values come from platform/aarch64/CMakeLists.txt. */
#include <stdint.h>

const uint64_t tess_probe_kernel_va = TESS_KVA_OFFSET + TESS_KERNEL_LOAD_PA;
const uint64_t tess_probe_device_pa = TESS_PROBE_DEVICE_PA;
