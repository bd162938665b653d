/* SBI calls (see rv/sbi.h). The firmware runs in M-mode; every call is an
 * ecall from S-mode, which OpenSBI never delegates back to us. */
#include <rv/sbi.h>

struct sbiret sbi_call(long eid, long fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a6 __asm__("a6") = (unsigned long)fid;
	register unsigned long r_a7 __asm__("a7") = (unsigned long)eid;
	__asm__ volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a2), "r"(r_a6), "r"(r_a7) : "memory");
	return (struct sbiret){.error = (long)r_a0, .value = (long)r_a1};
}

long sbi_probe(long eid)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, 3, (unsigned long)eid, 0, 0);
	return r.error ? 0 : r.value;
}

void sbi_set_timer(uint64_t stime_value)
{
	sbi_call(SBI_EXT_TIME, 0, stime_value, 0, 0);
}

void sbi_send_ipi_one(unsigned long hartid)
{
	/* hart_mask bit 0 relative to hart_mask_base = hartid. */
	sbi_call(SBI_EXT_IPI, 0, 1, hartid, 0);
}

long sbi_hart_start(unsigned long hartid, unsigned long start, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, hartid, start, opaque).error;
}

long sbi_remote_sfence_asid(unsigned long hartid, unsigned long asid)
{
	register unsigned long a0 __asm__("a0") = 1; /* hart_mask: bit 0 = hartid */
	register unsigned long a1 __asm__("a1") = hartid;
	register unsigned long a2 __asm__("a2") = 0;	/* start_addr */
	register unsigned long a3 __asm__("a3") = ~0ul; /* size: everything (§8.4) */
	register unsigned long a4 __asm__("a4") = asid;
	register unsigned long a6 __asm__("a6") = 2; /* FID 2: remote_sfence_vma_asid */
	register unsigned long a7 __asm__("a7") = SBI_EXT_RFNC;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
			 : "memory");
	return (long)a0;
}

_Noreturn void sbi_shutdown(void)
{
	sbi_call(SBI_EXT_SRST, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
