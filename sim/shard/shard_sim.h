/* Private to the simulator's shard-side backend (sim/shard/). */
#ifndef SIM_SHARD_SIM_H
#define SIM_SHARD_SIM_H

#include <stdint.h>
#include <sim/mailbox.h>

/* This process's mailbox page (mapped by main() in start.c). */
extern struct sim_mailbox *sim_mb;

void sim_fault_install(void);
/* Give the turn to the kernel with what is posted in `mb`; wait until it
 * comes back; the kernel's answer (syscall.c). */
uint64_t sim_hand_turn(struct sim_mailbox *mb);
/* pc of the interrupted code from a signal's ucontext (pc_<host arch>.c). */
uint64_t sim_fault_pc(void *uc);

#endif
