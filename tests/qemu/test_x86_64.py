"""x86_64 only: a kernel fault (platform/x86_64 boot self-test). A store to
an unmapped kernel address is a kernel bug: the platform dumps the vector,
error code, RIP, CR2 and the registers, then every core parks. (The kernel
stack overflow, a double fault on its own IST stack here, is
tests/qemu/test_panic.py's, on every arch.)"""
import os

import pytest

from harness import PARK_FUNCTION, Qemu, build
from test_panic import _function_range

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "manifests", "panic-x86_64.yaml")
REG = r"[0-9a-f]{16}"


def _boot(tmp_path, selftest):
    built = build(MANIFEST, "x86_64", str(tmp_path / "out"), cmake_defs=["TESS_X86_SELFTEST=" + selftest])
    return built, Qemu(built, monitor=str(tmp_path / "mon.sock"))


def _all_parked(q, built):
    lo, hi = _function_range(built["elf"], PARK_FUNCTION["x86_64"])
    ncores = 1 + max(s["core"] for s in built["shards"])
    q.wait(lambda lines: (lambda pcs: len(pcs) >= ncores and all(lo <= pc < hi for pc in pcs[:ncores]))(q.pcs()))


@pytest.mark.parametrize("arch", ["x86_64"])
def test_kernel_page_fault_dumps_registers_and_halts(arch, tmp_path):
    built, q = _boot(tmp_path, "kfault")
    with q:
        q.wait_line(r"kern\| selftest: store to an unmapped kernel address")
        q.wait_line(r"^kern\| panic: #PF in the kernel on core 0$")
        m = q.wait_line(r"kern\| panic: vector=(%s) error=(%s) rip=(%s) cr2=(%s)" % (REG, REG, REG, REG))
        assert int(m.group(1), 16) == 14
        assert int(m.group(2), 16) == 0x2  # a supervisor write to a not-present page (SDM Figure 4-12)
        assert int(m.group(4), 16) == 0xffffff8000000000
        q.wait_line(r"kern\| panic: r13=%s r14=%s r15=%s" % (REG, REG, REG))
        q.wait_line(r"kern\| panic: halting all cores")
        _all_parked(q, built)
