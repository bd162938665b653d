/* Calls into the SBI firmware (OpenSBI) from S-mode. Extension and function
 * ids are from the RISC-V SBI specification v1.0.0; each call is an ecall
 * with EID in a7, FID in a6, returning error in a0 and value in a1 (§3). */
#ifndef RV_SBI_H
#define RV_SBI_H

#include <stdint.h>

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45 /* "TIME", §6 */
#define SBI_EXT_IPI  0x735049	/* "sPI", §7 */
#define SBI_EXT_RFNC 0x52464E43 /* "RFNC", §8 */
#define SBI_EXT_HSM  0x48534D	/* "HSM", §9 */
#define SBI_EXT_SRST 0x53525354 /* "SRST", §10 */

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(long eid, long fid, unsigned long a0, unsigned long a1, unsigned long a2);

/* Probe an extension (Base FID 3): nonzero if present. */
long sbi_probe(long eid);
/* Fire the S-mode timer interrupt when `time` reaches `stime_value`;
 * also clears a pending timer interrupt (§6.1). */
void sbi_set_timer(uint64_t stime_value);
/* Raise the S-mode software interrupt on one hart (§7.1). */
void sbi_send_ipi_one(unsigned long hartid);
/* Start a stopped hart at physical `start` with a0 = hartid, a1 = opaque,
 * MMU off (§9.1). Returns the SBI error code. */
long sbi_hart_start(unsigned long hartid, unsigned long start, unsigned long opaque);
/* SFENCE.VMA for one ASID, whole address space, on one hart (§8.4). */
long sbi_remote_sfence_asid(unsigned long hartid, unsigned long asid);
/* Shut the machine down (§10.1 type 0); never returns. */
_Noreturn void sbi_shutdown(void);

#endif
