/* Save / restore a shard's FP registers (F and D extensions). Built with
 * -march=rv64imafdc (CMakeLists.txt): the rest of the kernel has no FP.
 * The caller makes sure sstatus.FS != Off, or these would trap (§3.1.6.6). */
#include <arch/ctx.h>

	.text
	.globl rv_fp_save
	.balign 4
rv_fp_save:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, RV_CTX_F(\n)(a0)
	.endr
	frcsr	t0
	sd	t0, RV_CTX_FCSR(a0)
	ret

	.globl rv_fp_restore
	.balign 4
rv_fp_restore:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, RV_CTX_F(\n)(a0)
	.endr
	ld	t0, RV_CTX_FCSR(a0)
	fscsr	t0
	ret
