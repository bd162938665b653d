/* Cores: core n of the manifest is the CPU with local APIC ID n (board.c
 * checks the MADT has it enabled; the boot CPU must be core 0). The others
 * are started with INIT-SIPI-SIPI (SDM Vol. 3A §8.4.4.1 "Typical BSP
 * Initialization Sequence") into the real-mode trampoline of boot.S, one at
 * a time; woken with a fixed IPI; and idle in sti; hlt, the only place the
 * kernel takes interrupts (irq.c handles them after hlt). Halting: an IPI
 * to every started core, which parks in x86_park. */
#include <kern/arch.h>
#include <kern/kern.h>
#include <plat/halt.h>
#include <x86/plat.h>
#include <x86/regs.h>

extern char x86_trampoline[], x86_trampoline_end[];
extern volatile uint32_t x86_ap_core;
static volatile uint32_t alive[TESS_MAX_CORES];

unsigned plat_core_id(void)
{
	return x86_this_cpu()->core;
}

void *plat_pa_to_kva(uint64_t pa)
{
	return x86_kva(pa);
}

void plat_ipi(unsigned core)
{
	if (core < TESS_MAX_CORES && x86_cpus[core].started) {
		x86_bench_ipi(core);
		x86_lapic_ipi(x86_cpus[core].apic_id, X86_VEC_WAKE);
	}
}

void plat_idle(unsigned core)
{
	struct x86_cpu *cpu = x86_this_cpu();
	enum plat_irq r;
	uint32_t gsi;
	if (!cpu->events && !cpu->gsi_pending)
		__asm__ volatile("sti\n hlt\n cli" ::
					 : "memory"); /* STI's shadow covers HLT: no lost wake-up */
	while ((r = x86_irq_take(cpu, &gsi)) != PLAT_IRQ_NONE)
		if (r == PLAT_IRQ_DEVICE)
			kern_irq(core, gsi);
}

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * (x86_tsc_hz / 1000000);
	while (rdtsc() < end)
		cpu_relax();
}

static bool wait_alive(unsigned core, uint64_t us)
{
	uint64_t end = rdtsc() + us * (x86_tsc_hz / 1000000);
	while (!__atomic_load_n(&alive[core], __ATOMIC_ACQUIRE))
		if (rdtsc() > end)
			return false;
	return true;
}

void plat_core_start(unsigned core)
{
	if (core >= TESS_MAX_CORES || x86_cpus[core].started)
		return;
	uint8_t *t = x86_kva(X86_TRAMPOLINE_PA);
	for (char *p = x86_trampoline; p < x86_trampoline_end; p++)
		*t++ = (uint8_t)*p;
	x86_ap_core = core;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint32_t id = x86_cpus[core].apic_id;
	x86_lapic_init_ipi(id);
	/* The SDM's 10 ms after INIT is for discrete APICs of old parts; a
	 * virtual CPU (CPUID.1:ECX[31], hypervisor present) needs none. */
	if (!(cpuid(1, 0).c & (1u << 31)))
		delay_us(10000);
	x86_lapic_sipi(id, X86_TRAMPOLINE_PA);
	/* A second SIPI after 1 ms, then up to 1 s: under QEMU -icount one
	 * thread runs the vCPUs in turn and switches from this spinning one
	 * only at its kick timer, every 100 ms of virtual time (TCG_KICK_PERIOD),
	 * so 100 ms was sometimes too short -- and the core then started
	 * late, as whichever core x86_ap_core named by then. */
	if (!wait_alive(core, 1000)) {
		x86_lapic_sipi(id, X86_TRAMPOLINE_PA);
		if (!wait_alive(core, 1000000)) {
			kern_log("x86: core %u (APIC ID %u) did not start", core, id);
			return;
		}
	}
}

_Noreturn void x86_cpu_go(unsigned core)
{
	struct x86_cpu *cpu = &x86_cpus[core];
	cpu->started = 1;
	x86_timer_start(cpu);
	kern_core_main(core);
}

/* boot.S, on the new core's stack. */
_Noreturn void x86_secondary_main(unsigned core);
_Noreturn void x86_secondary_main(unsigned core)
{
	x86_cpu_early(core);
	x86_mmu_kernel_switch();
	x86_cpu_init(core);
	x86_lapic_init();
	__atomic_store_n(&alive[core], 1, __ATOMIC_RELEASE);
	x86_cpu_go(core);
}

/* The core's own entry found by its APIC ID (core n = APIC ID n), not
 * GS.base: a panic may come from the few instructions where GS holds the
 * shard's base. */
static struct x86_cpu *self(void)
{
	uint32_t id = x86_lapic_id();
	return &x86_cpus[id < TESS_MAX_CORES ? id : 0];
}

/* A real function (never inlined): tests/qemu/test_panic.py checks that
 * every vCPU's RIP ends up inside it. */
__attribute__((noinline)) _Noreturn void x86_park(void)
{
	__asm__ volatile("cli");
	__atomic_store_n(&self()->parked, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("hlt");
}

/* platform/common/halt.c */
bool arch_core_started(unsigned core)
{
	return core < TESS_MAX_CORES && x86_cpus[core].started;
}

bool arch_core_parked(unsigned core)
{
	return core < TESS_MAX_CORES && __atomic_load_n(&x86_cpus[core].parked, __ATOMIC_ACQUIRE);
}

void arch_halt_ipi(unsigned core)
{
	x86_lapic_ipi(x86_cpus[core].apic_id, X86_VEC_HALT);
}

/* Up to 100 ms for the others to park. */
void x86_stop_others(void)
{
	tess_stop_others(self()->core, 100000000);
}

_Noreturn void plat_halt_all(void)
{
	x86_stop_others();
	x86_park();
}
