#!/usr/bin/python3
"""Writes the seed corpus (committed): a clean transfer as one stream,
single frames of each type, console text, and packages for fuzz_verify
(first byte: fix-up mode). Rerun after a format change."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "codegen"))
from tessera.reload import package as rpk  # noqa: E402
from tessera.reload import proto as rp  # noqa: E402

KEY = bytes(range(32))
MH = bytes([0xAA, 0xBB, 0xCC, 0xDD] + list(range(1, 29)))
here = os.path.dirname(os.path.abspath(__file__))


def put(d, name, data):
    os.makedirs(os.path.join(here, d), exist_ok=True)
    with open(os.path.join(here, d, name), "wb") as f:
        f.write(data)


def stream(name, pkg):
    w = rp.host_frame(rp.BEGIN, 0, struct.pack("<I", len(pkg)) + name.encode())
    n = 0
    for off in range(0, len(pkg), 256):
        n += 1
        w += rp.host_frame(rp.DATA, n, struct.pack("<I", off) + pkg[off:off + 256])
    return w + rp.host_frame(rp.END, n + 1)


good = rpk.build_package("sink", MH, 0x80200000, 0x600000100000, bytes(range(256)) * 2, 7, KEY)
put("frame", "transfer", stream("sink", good))
put("frame", "transfer_badkey", stream("sink", rpk.build_package("sink", MH, 0x80200000, 0x600000100000,
                                                                b"abc", 1, bytes(32))))
put("frame", "text_and_ack", b"kern| hello\r\n" + rp.encode_frame(rp.ACK, 3) + b"ls\r\n")
put("frame", "begin_unknown", rp.host_frame(rp.BEGIN, 0, struct.pack("<I", 500) + b"router"))
put("frame", "abort", rp.host_frame(rp.BEGIN, 0, struct.pack("<I", 500) + b"filter") + rp.host_frame(rp.ABORT, 1))
put("verify", "good", b"\x00" + good)
put("verify", "fixup_all", b"\x03" + good)
put("verify", "filter", b"\x00" + rpk.build_package("filter", MH, 0x80100000, 0x600000000000, b"x" * 40, 2, KEY))
put("verify", "unknown", b"\x00" + rpk.build_package("router", MH, 0, 0, b"", 1, KEY))
put("verify", "announced", b"\x04" + good)
