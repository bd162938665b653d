"""Policy `panic`: a shard whose fault policy is panic stops the whole
system. After the kernel's panic line every vCPU must sit in the platform's
park loop (read through the QEMU monitor: a state, not a timing)."""
import os
import re
import subprocess

import pytest

from harness import ARCHES, PARK_FUNCTION, Qemu, build

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
