/* Addresses the fault-injection example shards aim at
 * (shards/examples/fault_kwrite, fault_mmio): this kernel's image in the
 * top 2 GiB (include/x86/layout.h) and a device the shard is not granted,
 * an IOAPIC (the console is an I/O port on x86_64; port access is tried by
 * test/fault_pio). Not part of the shard ABI; values from CMakeLists.txt. */
#include <stdint.h>

const uint64_t tess_probe_kernel_va = TESS_PROBE_KERNEL_VA;
const uint64_t tess_probe_device_pa = TESS_PROBE_DEVICE_PA;
