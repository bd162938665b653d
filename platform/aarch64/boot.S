/* Entry points: the arm64 Image header, the boot core and secondary cores.
 *
 * The kernel is linked in the TTBR1 high half at VA = PA + TESS_KVA_OFFSET
 * and entered with the MMU off at its PA, so everything before the jump to
 * the high half is position independent (adr/adrp, literals only hold VAs
 * we branch to after the MMU is on). One 4 KiB level-1 table (boot_l1) of
 * 1 GiB blocks maps PA 0-4 GiB both at VA = PA (TTBR0, only until the jump)
 * and in the high half (TTBR1, for good), except for the 2 MiB that hold
 * the kernel stacks, mapped page by page without their guard pages
 * (boot_l2, boot_l3). TTBR0 then belongs to shards. */

#include <arch/a64.h>
#include <tessera/limits.h>

/* MAIR_EL1 (Arm ARM DDI0487 D17.2 MAIR_EL1, D8.5.3 memory attributes):
 * attr0 = 0x04 Device-nGnRE, attr1 = 0xff Normal Inner/Outer WB RW-allocate,
 * attr2 = 0x44 Normal Inner/Outer Non-cacheable (DMA regions with
 * cached: false, TESS_MAP_NC). */
#define MAIR_VAL 0x44ff04
/* TCR_EL1 (D17.2 TCR_EL1): T0SZ=T1SZ=25 (39-bit VA, walks start at level 1,
 * D8.2.7), IRGN/ORGN=01 WB-WA walks, SH=11 inner shareable, TG0=00 and
 * TG1=10 select 4 KiB granules, IPS=010 40-bit PA, AS=0 8-bit ASIDs from
 * TTBR0 (A1=0). */
#define TCR_VAL ((25 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | (0 << 14) | (25 << 16) | (1 << 24) |     \
		 (1 << 26) | (3 << 28) | (2 << 30) | (2 << 32))
/* SCTLR_EL1 (D17.2 SCTLR_EL1), written whole, so every bit that shapes
 * what EL0 may do is ours, not its UNKNOWN reset value: RES1 bits
 * 29,28,23,22,20,11 (bit 20 is TSCXT where FEAT_CSV2 exists: EL0
 * SCXTNUM_EL0 access traps); M=1 MMU, C=1, I=1 caches, SA=SA0=1 stack
 * alignment checks. For EL0: UCI=0 (cache maintenance by VA traps), UCT=0
 * (CTR_EL0 reads trap), DZE=0 (DC ZVA traps), nTWI=nTWE=0 (wfi/wfe trap),
 * UMA=0 (no DAIF access), E0E=0 (little endian), EnRCTX=0 (prediction
 * restriction instructions trap), EnIA/EnIB/EnDA/EnDB=0 (no pointer
 * authentication keys in use). WXN stays 0: the kernel's own RAM is RWX
 * for EL1 only; shard pages are never W+X by construction (mmu.c refuses
 * such a map). */
#define SCTLR_VAL (0x30d00800 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 12))
/* CPACR_EL1 (D17.2 CPACR_EL1): FPEN=0b11, FP/SIMD does not trap (shards
 * use it; the kernel is compiled with -mgeneral-regs-only and only
 * fpsimd.S touches the registers, saved per shard by trap.c); ZEN=SMEN=0,
 * SVE and SME trap (their state is not saved per shard); TTA=1, trace
 * registers trap. */
#define CPACR_VAL ((3 << 20) | (1 << 28))
/* MDSCR_EL1 (D17.3 MDSCR_EL1; D2, self-hosted debug): TDCC=1, EL0 access to
 * the debug communications channel traps; MDE=KDE=SS=0, no breakpoints,
 * watchpoints or single step. */
#define MDSCR_VAL (1 << 12)
/* Level-1/2 block descriptors (D8.3.1, D8.4): bits[1:0]=01 block,
 * AttrIndx[4:2], SH[9:8], AF[10], AP[7:6]=00 EL1 RW / EL0 none,
 * PXN[53], UXN[54]. */
#define BLK_DEV (0x1 | (0 << 2) | (1 << 10) | (1 << 53) | (1 << 54))
#define BLK_MEM (0x1 | (1 << 2) | (3 << 8) | (1 << 10) | (1 << 54))

	.section .text.head, "ax"
	.globl _start
_start:
	/* arm64 Image header (Linux Documentation/arm64/booting.rst). */
	b	primary_entry		/* code0: branch to the real entry */
	.long	0			/* code1 */
	.quad	__text_offset		/* text_offset: load offset from a 2 MiB aligned base */
	.quad	__image_size		/* image_size: patched by the image packer */
	.quad	0x2			/* flags: LE, 4 KiB pages, base near DRAM start */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

primary_entry:
	mov	x19, x0			/* DTB physical address (booting.rst: x0) */
	/* The kernel is linked for one load address (kernel_pa + text_offset);
	 * loaded anywhere else it cannot run: stop here (no console yet). */
	adr	x0, _start
	ldr	x1, =__load_pa
	cmp	x0, x1
	b.ne	wrong_place
	bl	el2_to_el1
	msr	daifset, #0xf
	bl	el1_defaults
	/* boot_l1 (outside .bss; the image carries it as zeros): entry 0 =
	 * device block (GIC, UART), entries 1-3 = RAM. */
	adrp	x0, boot_l1
	ldr	x1, =BLK_DEV
	str	x1, [x0]
	ldr	x1, =BLK_MEM
	mov	x2, #1
3:	orr	x3, x1, x2, lsl #30
	str	x3, [x0, x2, lsl #3]
	add	x2, x2, #1
	cmp	x2, #4
	b.lo	3b
	/* The GiB that holds the kernel stacks (.kstacks, kernel.ld.in):
	 * level 2 (boot_l2) of 2 MiB blocks, and for the 2 MiB block of the
	 * stacks level 3 (boot_l3) of pages, in which the guard page below
	 * each core's stack (main.c a64_stacks) stays invalid. Table and page
	 * descriptors: bits[1:0] = 11 (D8.3.1); a page has the block's
	 * attributes. */
	adrp	x4, boot_l2
	adrp	x5, boot_l3
	adrp	x6, __kstacks_start	/* PA: the MMU is off */
	lsr	x7, x6, #30
	orr	x3, x4, #3
	str	x3, [x0, x7, lsl #3]	/* level 1 -> boot_l2 */
	mov	x10, x4
	lsl	x11, x7, #30
	mov	x12, #(1 << 21)
	mov	x13, x1
	bl	fill_table		/* 2 MiB blocks */
	lsr	x9, x6, #21
	lsl	x8, x9, #21		/* the stacks' 2 MiB block */
	and	x9, x9, #511
	orr	x3, x5, #3
	str	x3, [x4, x9, lsl #3]	/* level 2 -> boot_l3 */
	mov	x10, x5
	mov	x11, x8
	mov	x12, #4096
	orr	x13, x1, #2
	bl	fill_table		/* 4 KiB pages */
	sub	x3, x6, x8
	lsr	x3, x3, #12		/* page index of core 0's guard */
	mov	x2, #0
3:	str	xzr, [x5, x3, lsl #3]
	add	x3, x3, #(A64_KSTACK_STRIDE / 4096)
	add	x2, x2, #1
	cmp	x2, #TESS_MAX_CORES
	b.lo	3b
	/* The tables were written with the MMU (and caches) off: drop any
	 * stale lines before the walker reads them cacheable. */
	mov	x2, #0
4:	add	x3, x0, x2
	dc	ivac, x3
	add	x2, x2, #64
	cmp	x2, #(3 * 4096)		/* boot_l1, boot_l2, boot_l3 */
	b.lo	4b
	dsb	sy
	bl	mmu_on
	ldr	x0, =primary_high
	br	x0
primary_high:
	/* Clear .bss now that the MMU and caches are on: clearing it before,
	 * uncached, could leave stale clean lines in front of the zeros (Linux
	 * arm64 booting.rst only asks the loader to clean the image to PoC). */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	adrp	x0, a64_stacks
	add	x0, x0, :lo12:a64_stacks
	add	sp, x0, #A64_KSTACK_STRIDE	/* top of core 0's stack */
	adrp	x0, a64_vectors
	add	x0, x0, :lo12:a64_vectors
	msr	vbar_el1, x0
	isb
	mov	x0, x19
	bl	a64_boot_main
5:	wfi
	b	5b

	/* PSCI CPU_ON lands here at PA with the MMU off, x0 = context id = core. */
	.globl secondary_entry
secondary_entry:
	mov	x19, x0
	bl	el2_to_el1
	msr	daifset, #0xf
	bl	el1_defaults
	bl	mmu_on
	ldr	x0, =secondary_high
	br	x0
secondary_high:
	adrp	x0, a64_stacks
	add	x0, x0, :lo12:a64_stacks
	add	x1, x19, #1
	mov	x2, #A64_KSTACK_STRIDE
	madd	x0, x1, x2, x0			/* top of core x19's stack */
	mov	sp, x0
	adrp	x0, a64_vectors
	add	x0, x0, :lo12:a64_vectors
	msr	vbar_el1, x0
	isb
	mov	x0, x19
	bl	a64_secondary_main
6:	wfi
	b	6b

wrong_place:
	wfe
	b	wrong_place

/* Fill the 512 entries of the table at x10 with descriptors for x11,
 * x11 + x12, ...: output address | attributes x13. Uses x14, x15. */
fill_table:
	mov	x14, #0
1:	orr	x15, x11, x13
	str	x15, [x10, x14, lsl #3]
	add	x11, x11, x12
	add	x14, x14, #1
	cmp	x14, #512
	b.lo	1b
	ret

/* If entered at EL2 (e.g. -machine virtualization=on), drop to EL1h with
 * interrupts masked, after setting every EL2 control that reaches into
 * EL1 and EL0 (reset values UNKNOWN, D17.2): HCR_EL2.RW=1 (EL1 is AArch64,
 * nothing else routed or trapped to EL2: no stage 2, TGE=0, E2H=0);
 * CNTHCTL_EL2.EL1PCTEN|EL1PCEN, EL1 may use the physical counter and
 * timer (EL0's access is CNTKCTL_EL1's, el1_defaults); CPTR_EL2 = its RES1
 * bits 13:12 and 9:0 only, so FP/SIMD (TFP), SVE and trace do not trap to
 * EL2 (where no vector table is set up); MDCR_EL2 = 0 plus HPMN =
 * PMCR_EL0.N, debug and PMU not trapped or routed to EL2, EL1 sees all
 * counters (D17.3 MDCR_EL2); HSTR_EL2 = 0; VPIDR_EL2/VMPIDR_EL2 = the real
 * MIDR/MPIDR, which EL1 reads through them (core n is MPIDR.Aff0 = n). */
el2_to_el1:
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	1f
	mov	x9, #(1 << 31)
	msr	hcr_el2, x9
	mov	x9, #3
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov	x9, #0x33ff
	msr	cptr_el2, x9
	mov	x10, #0			/* HPMN: 0 without an architected PMU */
	mrs	x9, id_aa64dfr0_el1	/* PMCR_EL0 exists only with one */
	ubfx	x9, x9, #8, #4
	cbz	x9, 2f
	cmp	x9, #0xf
	b.eq	2f
	mrs	x10, pmcr_el0
	ubfx	x10, x10, #11, #5
2:	msr	mdcr_el2, x10
	msr	hstr_el2, xzr
	mrs	x9, midr_el1
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1
	msr	vmpidr_el2, x9
	mov	x9, #0x3c5		/* SPSR: EL1h, DAIF masked */
	msr	spsr_el2, x9
	msr	elr_el2, x30
	eret
1:	ret

/* What EL0 may reach on this core, set explicitly on every core: the reset
 * values of these registers are architecturally UNKNOWN (QEMU happens to
 * reset most to 0; hardware need not). docs/aarch64.md "EL0's view". */
el1_defaults:
	ldr	x9, =CPACR_VAL
	msr	cpacr_el1, x9
	/* CNTKCTL_EL1 (D11, the Generic Timer in AArch64 state; D17,
	 * CNTKCTL_EL1) = 0: EL0PTEN=EL0VTEN=0, EL0 cannot read or write the
	 * physical or virtual timer (a shard cannot stop its core's tick and
	 * with it the watchdog); EL0PCTEN=EL0VCTEN=0, no counter or CNTFRQ
	 * reads either (the clock of the ABI is TESS_SYS_TIME, and no shard
	 * gets a cycle-grained timer for cache-timing side channels); EVNTEN=0,
	 * no event stream. */
	msr	cntkctl_el1, xzr
	ldr	x9, =MDSCR_VAL
	msr	mdscr_el1, x9
	/* PMUSERENR_EL0 (D17, PMUSERENR_EL0) = 0: EN=SW=CR=ER=0, no EL0 access
	 * to the PMU. Only if one is implemented: ID_AA64DFR0_EL1.PMUVer
	 * (bits 11:8) neither 0 nor 0xf (D17.2 ID_AA64DFR0_EL1). */
	mrs	x9, id_aa64dfr0_el1
	ubfx	x9, x9, #8, #4
	cbz	x9, 1f
	cmp	x9, #0xf
	b.eq	1f
	msr	pmuserenr_el0, xzr
1:	/* TPIDR_EL0 is per shard (arch_ctx, vectors.S); TPIDRRO_EL0, which
	 * EL0 may read, holds nothing (vectors.S uses it as scratch only on
	 * the way to a panic). */
	msr	tpidr_el0, xzr
	msr	tpidrro_el0, xzr
	isb
	ret

mmu_on:
	ldr	x9, =MAIR_VAL
	msr	mair_el1, x9
	ldr	x9, =TCR_VAL
	msr	tcr_el1, x9
	adrp	x9, boot_l1
	msr	ttbr0_el1, x9
	msr	ttbr1_el1, x9
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x9, =SCTLR_VAL
	msr	sctlr_el1, x9
	isb
	ret
	.ltorg

	.globl a64_psci_hvc
a64_psci_hvc:
	hvc	#0
	ret
	.globl a64_psci_smc
a64_psci_smc:
	smc	#0
	ret

	/* In this order: the cache maintenance above covers all three. */
	.section .boot_pt, "aw", %nobits
	.balign 4096
	.globl boot_l1
boot_l1:
	.space	4096
boot_l2:
	.space	4096
boot_l3:
	.space	4096
