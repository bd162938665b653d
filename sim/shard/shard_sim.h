/* Private to the simulator's shard-side backend (sim/shard/). */
#ifndef SIM_SHARD_SIM_H
#define SIM_SHARD_SIM_H

#include <stdint.h>
#include <sim/mailbox.h>

/* The calling lane's mailbox (each lane is a thread: start.c). */
extern _Thread_local struct sim_mailbox *sim_mb;

/* The fault handlers, process-wide, and the calling thread's alternate
 * signal stack (each lane's thread installs its own). */
void sim_fault_install(void);
void sim_fault_altstack(void);
/* Give the turn to the kernel with what is posted in `mb`; wait until it
 * comes back; the kernel's answer (syscall.c). */
uint64_t sim_hand_turn(struct sim_mailbox *mb);
/* pc of the interrupted code from a signal's ucontext (pc_<host arch>.c);
 * and its registers, sp, fp and frame record layout into *c. */
uint64_t sim_fault_pc(void *uc);
void sim_fault_regs(void *uc, struct sim_crash *c);
/* The planned stack a crash report may copy from: [lo, top). */
extern _Thread_local uintptr_t sim_stack_lo, sim_stack_top; /* the calling lane's */

#endif
