"""Policy `panic`: a shard whose fault policy is panic stops the whole
system. After the kernel's panic line every vCPU must sit in the platform's
park loop (read through the QEMU monitor: a state, not a timing)."""
import os
import re
import subprocess

import pytest

from harness import ARCHES, PARK_FUNCTION, SELFTEST_OPTION, Qemu, build

HERE = os.path.dirname(os.path.abspath(__file__))


def _function_range(elf, name):
    out = subprocess.run(["llvm-nm", "-S", "--defined-only", elf], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[3] == name:
            start = int(f[0], 16)
            return start, start + int(f[1], 16)
    raise AssertionError("%s not in %s" % (name, elf))


@pytest.mark.parametrize("arch", ARCHES)
def test_panic_policy_halts_every_core(arch, tmp_path):
    if arch not in PARK_FUNCTION:
        pytest.skip("no park function known for %s" % arch)
    built = build(os.path.join(HERE, "manifests", "panic-%s.yaml" % arch), arch, str(tmp_path / "out"))
    lo, hi = _function_range(built["elf"], PARK_FUNCTION[arch])
    ncores = 1 + max(s["core"] for s in built["shards"])
    with Qemu(built, monitor=str(tmp_path / "mon.sock")) as q:
        q.wait_line(r"kern\| shard wild: fault write at 0x[0-9a-f]+")
        q.wait_line(r"kern\| shard wild: panic: halting the system")
        q.wait(lambda lines: (lambda pcs: len(pcs) >= ncores and all(lo <= pc < hi for pc in pcs[:ncores]))(
            q.pcs()))
        assert not [ln for ln in q.lines if re.search(r"kern\| shard wild: restarted", ln)]


@pytest.mark.parametrize("arch", ARCHES)
def test_kernel_fault_dumps_registers_and_halts(arch, tmp_path):
    """A kernel bug (the aarch64 boot self-test: a store to an unmapped
    kernel address) is not a shard fault: the platform prints the exception
    syndrome, addresses and all general registers, then every core halts."""
    if arch != "aarch64":
        pytest.skip("the EL1 fault self-test is aarch64's (TESS_A64_SELFTEST)")
    built = build(os.path.join(HERE, "manifests", "panic-%s.yaml" % arch), arch, str(tmp_path / "out"),
                  cmake_defs=["TESS_A64_SELFTEST=el1_fault"])
    lo, hi = _function_range(built["elf"], PARK_FUNCTION[arch])
    ncores = 1 + max(s["core"] for s in built["shards"])
    with Qemu(built, monitor=str(tmp_path / "mon.sock")) as q:
        q.wait_line(r"kern\| selftest: store to an unmapped kernel address")
        q.wait_line(r"kern\| panic: exception from EL1: EL1h sync")
        m = q.wait_line(r"kern\| panic: ESR=([0-9a-f]{16}) ELR=([0-9a-f]{16}) FAR=([0-9a-f]{16})")
        assert int(m.group(3), 16) == 0xffffff8200000000
        assert (int(m.group(1), 16) >> 26) == 0x25  # data abort taken without a change in EL
        q.wait_line(r"kern\| panic: x28=[0-9a-f]{16} x29=[0-9a-f]{16} x30=[0-9a-f]{16}")
        q.wait_line(r"kern\| panic: halting all cores")
        q.wait(lambda lines: (lambda pcs: len(pcs) >= ncores and all(lo <= pc < hi for pc in pcs[:ncores]))(
            q.pcs()))


# Where a port's dump says more than the common line: x86_64 cannot push
# the #PF onto the guard page, so the CPU raises a double fault, taken on
# its own IST stack (a triple fault would reset the machine).
KSTACK_TRAP = {"x86_64": r"^kern\| panic: #DF in the kernel on core 0$"}


@pytest.mark.parametrize("arch", ARCHES)
def test_kernel_stack_overflow_is_reported(arch, tmp_path):
    """A kernel stack overflow (the self-test recurses on the boot core's
    kernel stack) ends on the unmapped guard page below that stack and is
    reported as such, in the same line on every port, with the register
    dump, and every core halts; it does not run over what lies below the
    stack (another core's stack), nor reset the machine."""
    if not SELFTEST_OPTION.get(arch) or arch not in PARK_FUNCTION:
        pytest.skip("no boot self-test option known for %s" % arch)
    built = build(os.path.join(HERE, "manifests", "panic-%s.yaml" % arch), arch, str(tmp_path / "out"),
                  cmake_defs=["%s=kstack" % SELFTEST_OPTION[arch]])
    lo, hi = _function_range(built["elf"], PARK_FUNCTION[arch])
    ncores = 1 + max(s["core"] for s in built["shards"])
    with Qemu(built, monitor=str(tmp_path / "mon.sock")) as q:
        q.wait_line(r"kern\| selftest: recursing on the kernel stack")
        if arch in KSTACK_TRAP:
            q.wait_line(KSTACK_TRAP[arch])
        q.wait_line(r"^kern\| panic: kernel stack overflow on core \d+$")
        q.wait_line(r"kern\| panic: halting all")
        q.wait(lambda lines: (lambda pcs: len(pcs) >= ncores and all(lo <= pc < hi for pc in pcs[:ncores]))(
            q.pcs()))
        assert not [ln for ln in q.lines if "selftest: recursion returned" in ln]
        assert q.proc.poll() is None  # parked, not reset (with -no-reboot, a reset ends QEMU)
