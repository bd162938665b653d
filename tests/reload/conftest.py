"""Fixtures of the reload tests: the C driver (kern/reload on stdin/stdout,
built by the host CMake build) and the fixture system it was built with
(tests/reload/stubs.c)."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "codegen"))

# Mirrors tests/reload/stubs.c.
KEY = bytes(range(32))
MANIFEST_HASH = bytes([0xAA, 0xBB, 0xCC, 0xDD] + list(range(1, 29)))
FILTER = {"mem_pa": 0x80100000, "mem_va": 0x600000000000, "mem_size": 65536}
SINK = {"mem_pa": 0x80200000, "mem_va": 0x600000100000, "mem_size": 8192}


@pytest.fixture(scope="session")
def driver():
    """Path of reload_driver: $TESS_BUILD_DIR, else build/host (what
    scripts/test.sh builds before it runs pytest)."""
    bdir = os.environ.get("TESS_BUILD_DIR", os.path.join(ROOT, "build", "host"))
    path = os.path.join(bdir, "tests", "reload", "reload_driver")
    if not os.access(path, os.X_OK):
        pytest.skip("%s not built (scripts/test.sh builds it)" % path)
    return path
