/* PLIC routing of granted device IRQs to the owning shard's hart, S-mode
 * context (RISC-V PLIC spec v1.0.0). Register map (§3): priority 4*src,
 * enables 0x2000 + 0x80*ctx, threshold 0x200000 + 0x1000*ctx, claim/complete
 * threshold + 4.
 *
 * Masking uses the gateway (§5 "Interrupt Gateways", §8-9 claim/complete):
 * once a source is claimed the gateway forwards no new request from it
 * until the claim is completed. So "mask" = claim and do not complete, and
 * plat_irq_unmask (the owner's TESS_SYS_IRQ_ACK) = complete. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <rv/plat.h>

#define PLIC_MAX_SRC	   1024
#define PLIC_PRIORITY(src) (4u * (src))
#define PLIC_ENABLE(ctx)   (0x2000u + 0x80u * (ctx))
#define PLIC_THRESH(ctx)   (0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx)	   (0x200004u + 0x1000u * (ctx))

static uint8_t owner_core[PLIC_MAX_SRC]; /* core + 1; 0: not granted */
static unsigned max_src;		 /* highest granted source */

static volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)rv_kva(rv_board.plic_pa + off);
}

/* Boot core, before the others start: priorities and owners. */
int rv_plic_init(void)
{
	const struct tess_system_cfg *sys = &tess_system;
	for (unsigned i = 0; i < sys->nshards; i++) {
		const struct tess_shard_cfg *c = &sys->shards[i];
		for (unsigned q = 0; q < c->nirqs; q++) {
			uint32_t irq = c->irqs[q].irq;
			if (!rv_board.plic_pa || irq == 0 || irq >= PLIC_MAX_SRC ||
			    rv_board.plic_ctx[c->core] < 0) {
				kern_log("riscv: shard %s: irq %u cannot be routed through the PLIC", c->name,
					 irq);
				return -1;
			}
			owner_core[irq] = (uint8_t)(c->core + 1);
			max_src = irq > max_src ? irq : max_src;
			*reg(PLIC_PRIORITY(irq)) = 1; /* 0 would mean "never" (§4) */
		}
	}
	return 0;
}

/* The console's RX interrupt (hot reload) to core 0's context. */
static uint32_t console_irq;

int rv_plic_route_console(uint32_t irq)
{
	if (!rv_board.plic_pa || irq == 0 || irq >= PLIC_MAX_SRC || owner_core[irq] ||
	    rv_board.plic_ctx[0] < 0)
		return -1;
	owner_core[irq] = 1; /* core 0 */
	max_src = irq > max_src ? irq : max_src;
	*reg(PLIC_PRIORITY(irq)) = 1;
	console_irq = irq;
	return 0;
}

/* Each core: threshold 0, enable exactly the sources its shards own. */
void rv_plic_init_core(unsigned core)
{
	int ctx = rv_board.plic_ctx[core];
	if (!rv_board.plic_pa || ctx < 0)
		return;
	/* Only the enable words up to the highest granted source: the PLIC
	 * may implement fewer than 1024 sources. */
	for (unsigned w = 0; w <= max_src / 32; w++) {
		uint32_t bits = 0;
		for (unsigned b = 0; b < 32; b++)
			if (owner_core[w * 32 + b] == core + 1)
				bits |= 1u << b;
		*reg(PLIC_ENABLE((unsigned)ctx) + 4 * w) = bits;
	}
	*reg(PLIC_THRESH((unsigned)ctx)) = 0;
}

uint32_t rv_plic_claim_mask(unsigned core)
{
	int ctx = rv_board.plic_ctx[core];
	if (!rv_board.plic_pa || ctx < 0)
		return 0;
	for (;;) {
		uint32_t irq = *reg(PLIC_CLAIM((unsigned)ctx));
		if (irq == 0 || irq != console_irq)
			return irq;
		/* Console RX: the platform's own, drained and completed here, on
		 * the kernel's time, not the interrupted shard's. */
		uint64_t t0 = plat_time_ns();
		rv_uart_rx_drain();
		*reg(PLIC_CLAIM((unsigned)ctx)) = irq;
		kern_irq_work(core, t0);
	}
}

void plat_irq_unmask(uint32_t irq)
{
	if (irq == 0 || irq >= PLIC_MAX_SRC || !owner_core[irq])
		return;
	int ctx = rv_board.plic_ctx[owner_core[irq] - 1];
	*reg(PLIC_CLAIM((unsigned)ctx)) = irq;
}
