/* What the riscv64 platform takes from the device tree OpenSBI passes in a1
 * (Devicetree Specification v0.4 §3.7-3.8 for /cpus; the RISC-V CPU and
 * PLIC bindings in Linux Documentation/devicetree/bindings): the timebase,
 * whether every hart has Zknh and Zbb (riscv,isa; sha256_zknh.c), and for
 * each core (core n = hart n) the PLIC context wired to its S-mode external
 * interrupt (cause 9 in the PLIC's interrupts-extended list). All of it is
 * gathered in platform/common/dtb.c's one walk (plat_dtb_node), which also
 * checks RAM, devices and cores against the board file; the PLIC's list
 * names harts through their interrupt controllers' phandles, resolved from
 * what the walk recorded (plat_dtb_done). */
#include <string.h>
#include <kern/kern.h>
#include <plat/board.h>
#include <rv/csr.h>
#include <rv/plat.h>

struct rv_board rv_board;

#define MAX_INTC 16 /* hart interrupt controllers recorded (harts < TESS_MAX_CORES) */

static struct {
	bool cpus, isa_all; /* /cpus seen; every used hart has Zknh and Zbb so far */
	int cpu_depth;	    /* depth of the cpu node being walked, or -1 */
	unsigned long hart; /* its hart id */
	uint32_t intc_phandle[MAX_INTC];
	unsigned long intc_hart[MAX_INTC];
	unsigned nintc;
	const uint8_t *plic_ie; /* the PLIC's interrupts-extended */
	int plic_ie_len;
} w;

/* A multi-letter extension of a riscv,isa string ("rv64imac_zicsr_zbb"). */
static bool isa_has(const char *isa, int len, const char *ext)
{
	size_t n = strlen(ext);

	for (int i = 0; i + (int)n < len; i++)
		if (isa[i] == '_' && !memcmp(isa + i + 1, ext, n) &&
		    (isa[i + 1 + n] == '_' || !isa[i + 1 + n]))
			return true;
	return false;
}

static void cpu(const struct dtb_node *n)
{
	uint64_t hart, unused;
	int len;
	const char *isa = dtb_prop(n, "riscv,isa", &len);

	if (dtb_reg(n, 0, &hart, &unused) < 0 || (n->status && n->status[0] != 'o'))
		return;
	w.cpu_depth = n->depth;
	w.hart = (unsigned long)hart;
	if (hart < rv_board.nharts)
		w.isa_all &= isa && isa_has(isa, len, "zknh") && isa_has(isa, len, "zbb");
}

int plat_dtb_node(const struct dtb_node *n)
{
	const uint8_t *v;
	int len;

	if (n->depth <= w.cpu_depth)
		w.cpu_depth = -1;
	if (n->depth == 1 && !strcmp(n->name, "cpus")) {
		w.cpus = true;
		v = dtb_prop(n, "timebase-frequency", &len);
		if (v && (len == 4 || len == 8))
			rv_board.timebase_hz =
				len == 8 ? (uint64_t)dtb_u32(v) << 32 | dtb_u32(v + 4) : dtb_u32(v);
	} else if (dtb_is(n->device_type, n->type_len, "cpu")) {
		cpu(n);
	} else if (w.cpu_depth >= 0 && n->depth == w.cpu_depth + 1 && w.nintc < MAX_INTC &&
		   dtb_prop(n, "interrupt-controller", NULL) && (v = dtb_prop(n, "phandle", &len)) &&
		   len == 4) {
		w.intc_phandle[w.nintc] = dtb_u32(v);
		w.intc_hart[w.nintc++] = w.hart;
	} else if (dtb_compatible(n, "riscv,plic0") || dtb_compatible(n, "sifive,plic-1.0.0")) {
		uint64_t size;

		dtb_reg(n, 0, &rv_board.plic_pa, &size);
		w.plic_ie = dtb_prop(n, "interrupts-extended", &w.plic_ie_len);
	}
	return 0;
}

/* The PLIC's interrupts-extended: pairs <phandle of a hart's interrupt
 * controller, cause>, one per context. */
static void plic_contexts(void)
{
	for (unsigned c = 0; c < TESS_MAX_CORES; c++)
		rv_board.plic_ctx[c] = -1;
	for (int ctx = 0; w.plic_ie && ctx < w.plic_ie_len / 8; ctx++) {
		uint32_t ph = dtb_u32(w.plic_ie + 8 * ctx);

		if (dtb_u32(w.plic_ie + 8 * ctx + 4) != IRQ_S_EXT)
			continue;
		for (unsigned i = 0; i < w.nintc; i++)
			if (w.intc_phandle[i] == ph && w.intc_hart[i] < rv_board.nharts)
				rv_board.plic_ctx[w.intc_hart[i]] = ctx;
	}
}

/* platform/common/dtb.c's end of the walk. Harts start through SBI HSM
 * (SBI v1.0.0 ch. 9), not through anything in the device tree; sbi_check
 * (main.c) has already probed for HSM when there is more than one core. */
const char *plat_dtb_done(unsigned ncores)
{
	(void)ncores;
	if (!w.cpus) {
		kern_log("dtb: no /cpus node");
		return NULL;
	}
	if (!rv_board.timebase_hz) {
		kern_log("dtb: no /cpus/timebase-frequency");
		return NULL;
	}
	rv_board.zknh_zbb = w.isa_all;
	plic_contexts();
	return "sbi hsm";
}

int rv_dtb_check(uint64_t dtb_pa, unsigned ncores)
{
	if (!dtb_pa) {
		kern_log("dtb: no device tree (a1 is 0)");
		return -1;
	}
	memset(&w, 0, sizeof(w));
	w.isa_all = true;
	w.cpu_depth = -1;
	rv_board.nharts = ncores;
	return tess_dtb_check(rv_kva(dtb_pa));
}
