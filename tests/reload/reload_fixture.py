"""The fixture system the C side was built with (mirrors tests/reload/stubs.c)."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if os.path.join(ROOT, "codegen") not in sys.path:
    sys.path.insert(0, os.path.join(ROOT, "codegen"))

KEY = bytes(range(32))
MANIFEST_HASH = bytes([0xAA, 0xBB, 0xCC, 0xDD] + list(range(1, 29)))
FILTER = {"mem_pa": 0x80100000, "mem_va": 0x600000000000, "mem_size": 65536}
SINK = {"mem_pa": 0x80200000, "mem_va": 0x600000100000, "mem_size": 8192}
