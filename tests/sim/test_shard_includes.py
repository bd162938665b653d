"""A shard sees only the public headers (shards/include, kern/public): one
that includes the kernel's private <kern/priv.h> fails to build, hosted
(tessera sim) and for every target (tessera build), with the compiler's
own message and no traceback."""
import os
import re
import subprocess

import pytest

from simrun import MANIFESTS, TESSERA, run_sim

MANIFEST = os.path.join(MANIFESTS, "private-include.yaml")
NOT_FOUND = re.compile(r"private_include\.c:4:10: fatal error: (kern/priv\.h: No such file or directory|"
                       r"'kern/priv\.h' file not found)")


def test_sim_shard_cannot_include_kernel_headers():
    r = run_sim(MANIFEST, "--duration", "1s", expect_rc=1)
    assert NOT_FOUND.search(r.err), r
    assert "tessera: error: building the simulator failed (output above)" in r.err


@pytest.mark.parametrize("arch", ["aarch64", "riscv64"])
def test_target_shard_cannot_include_kernel_headers(arch, tmp_path):
    p = subprocess.run([TESSERA, "build", MANIFEST, "--arch", arch, "-o", str(tmp_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    assert p.returncode == 1, p.stderr
    assert NOT_FOUND.search(p.stderr), p.stderr
    assert p.stderr.splitlines()[-1] == "tessera: error: building the %s kernel and shards failed (output above)" % arch
