"""codegen/tessera/reload/proto.py on its own, and against kern/reload through the C driver
(Python builds frames and packages, C decodes and verifies them, and the
other way round)."""
import hashlib
import os
import stat
import struct
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reload_fixture import FILTER, KEY, MANIFEST_HASH, SINK
from tessera.reload import package as rpk
from tessera.reload import proto as rp


def test_cobs_vectors_match_the_c_encoder():
    # The same cases as tests/reload/test_frame.c.
    assert rp.cobs_encode(b"") == b"\x01"
    assert rp.cobs_encode(b"\x00") == b"\x01\x01"
    assert rp.cobs_encode(b"\x11\x22\x00\x33") == b"\x03\x11\x22\x02\x33"
    assert rp.cobs_encode(b"\x11\x00\x00\x00") == b"\x02\x11\x01\x01\x01"
    full = bytes(range(1, 255))
    assert rp.cobs_encode(full) == b"\xff" + full
    assert rp.cobs_encode(full + b"\xff") == b"\xff" + full + b"\x02\xff"
    assert rp.cobs_encode(full + b"\x00") == b"\xff" + full + b"\x01\x01"
    for bad in (b"\x02\x00", b"\x05\x11\x22", b"\x00"):
        with pytest.raises(rp.ProtoError):
            rp.cobs_decode(bad)


@given(st.binary(max_size=700))
@settings(max_examples=300, deadline=None)
def test_cobs_round_trip(data):
    enc = rp.cobs_encode(data)
    assert 0 not in enc and len(enc) <= len(data) + len(data) // 254 + 1
    assert rp.cobs_decode(enc) == data


_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40).map(
    lambda s: (s + "\r\n").encode())


@given(st.lists(st.one_of(_text, st.tuples(st.integers(0, 255), st.integers(0, 2**32 - 1),
                                           st.binary(max_size=rp.MAX_PAYLOAD))), max_size=8),
       st.integers(1, 64))
@settings(max_examples=200, deadline=None)
def test_splitter_separates_console_text_and_frames(items, cut):
    wire = b"".join(i if isinstance(i, bytes) else rp.encode_frame(*i) for i in items)
    sp, out = rp.StreamSplitter(), []
    for k in range(0, len(wire), cut):  # arbitrary read boundaries
        out += sp.feed(wire[k:k + cut])
    text = b"".join(x for kind, x in out if kind == "text")
    frames = [(f.type, f.seq, f.payload) for kind, f in out if kind == "frame"]
    assert text == b"".join(i for i in items if isinstance(i, bytes))
    assert frames == [i for i in items if not isinstance(i, bytes)]
    assert sp.bad == 0


def test_corrupt_frame_is_counted_not_returned():
    w = bytearray(rp.encode_frame(rp.ACK, 7))
    w[3] ^= 0x40
    sp = rp.StreamSplitter()
    items = sp.feed(b"ok\n" + bytes(w) + rp.encode_frame(rp.ACK, 8))
    assert [(k, x if k == "text" else x.seq) for k, x in items] == [("text", b"ok\n"), ("frame", 8)]
    assert sp.bad == 1


def test_package_layout_and_host_verify():
    pkg = rpk.build_package("filter", MANIFEST_HASH, FILTER["mem_pa"], FILTER["mem_va"], b"code", 9, KEY)
    assert len(pkg) == rpk.PKG_OVERHEAD + 4
    info = rpk.verify_package(pkg, KEY)
    assert (info["name"], info["version"], info["size"], info["load_pa"]) == ("filter", 9, 4, FILTER["mem_pa"])
    # The part descriptor sits where the image's struct tess_img_part has it.
    name, kind, _, off, size, pa, sha = struct.unpack_from("<32sIIQQQ32s", pkg, 8)
    assert (name.rstrip(b"\0"), kind, off, size, pa) == (b"filter", 1, rpk.PKG_HDR, 4, FILTER["mem_pa"])
    assert sha == hashlib.sha256(b"code").digest()
    with pytest.raises(rp.ProtoError, match="bad signature"):
        rpk.verify_package(pkg, bytes(32))
    with pytest.raises(rp.ProtoError, match="1..31 printable"):
        rpk.build_package("a b", MANIFEST_HASH, 0, 0, b"", 1, KEY)


def test_key_file_is_created_private_and_reloaded(tmp_path):
    path = tmp_path / "out" / "sys.key"
    key = rpk.ensure_key(str(path))
    assert len(key) == 32 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert rpk.ensure_key(str(path)) == key == rpk.load_key(str(path))
    path.write_text("abcd\n")
    with pytest.raises(rp.ProtoError, match="expected 32 hex bytes, found 2"):
        rpk.load_key(str(path))
    assert "const uint8_t tess_reload_key[RELOAD_KEY_LEN] = {0x00, 0x01," in rpk.key_c_source(KEY)


# ---- against kern/reload (tests/reload/driver.c) ----


def run_driver(driver, wire, *args):
    """Feed `wire` to the driver; returns (console text, frames, stderr)."""
    r = subprocess.run([driver, *args], input=wire, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    items = rp.StreamSplitter().feed(r.stdout)
    text = b"".join(x for k, x in items if k == "text").decode()
    frames = [x for k, x in items if k == "frame"]
    return text, frames, r.stderr.decode()


def transfer(name, pkg, total=None):
    w = rp.host_frame(rp.BEGIN, 0, struct.pack("<I", len(pkg) if total is None else total) + name.encode())
    seq = 0
    for off in range(0, len(pkg), rp.CHUNK):
        seq += 1
        w += rp.host_frame(rp.DATA, seq, struct.pack("<I", off) + pkg[off:off + rp.CHUNK])
    return w + rp.host_frame(rp.END, seq + 1), seq + 1


def test_python_package_accepted_by_c(driver):
    payload = os.urandom(3000)
    pkg = rpk.build_package("filter", MANIFEST_HASH, FILTER["mem_pa"], FILTER["mem_va"], payload, 77, KEY)
    wire, end = transfer("filter", pkg)
    text, frames, err = run_driver(driver, b"typed text\r\n" + wire)
    assert [(f.type, f.seq) for f in frames] == [(rp.ACK, s) for s in range(end + 1)] + [(rp.RESULT, end)]
    assert frames[-1].result() == (True, 77, "")
    assert text == ("kern| driver ready\r\n"
                    "kern| reload: receiving 'filter' (%d bytes)\r\n"
                    "kern| reload: verified 'filter' version 77 (3000 bytes), handing it to the swap\r\n"
                    "kern| reload: 'filter' now runs version 77\r\n" % len(pkg))
    assert err == ("driver| apply 'filter' version 77 (3000 bytes) exec 0 sha256 %s\n"
                   % hashlib.sha256(payload).hexdigest())


@pytest.mark.parametrize("case,reason", [
    ("key", "bad signature"),
    ("hash", "manifest hash mismatch"),
    ("big", "image too large (8193 > 8192 bytes)"),
    ("name", "unknown shard 'router'"),
    ("short", "truncated"),
    ("addr", "load address mismatch"),
])
def test_python_package_refused_by_c(driver, case, reason):
    name, key, mhash, size, place = "sink", KEY, MANIFEST_HASH, 100, SINK
    if case == "key":
        key = bytes(32)
    elif case == "hash":
        mhash = bytes(32)
    elif case == "big":
        size = 8193
    elif case == "name":
        name = "router"
    elif case == "addr":
        place = FILTER
    pkg = rpk.build_package(name, mhash, place["mem_pa"], place["mem_va"], bytes(size), 1, key)
    wire, end = transfer(name, pkg, len(pkg) + 10 if case == "short" else None)
    text, frames, err = run_driver(driver, wire)
    res = [f for f in frames if f.type == rp.RESULT]
    assert len(res) == 1 and res[0].result() == (False, 0, reason)
    assert "kern| reload: refused '%s': %s\r\n" % (name, reason) in text
    assert err == ""


def test_corrupt_chunk_is_naked_and_resent(driver):
    pkg = rpk.build_package("sink", MANIFEST_HASH, SINK["mem_pa"], SINK["mem_va"], b"x" * 700, 2, KEY)
    wire, end = transfer("sink", pkg)
    # Frame 3 (DATA 2) arrives damaged: NAK asking for seq 2 again. This
    # raw replay does not resend, so the next DATA is out of order.
    text, frames, _ = run_driver(driver, wire, "--corrupt-frame", "3")
    got = [(f.type, f.seq, f.text()) for f in frames[:4]]
    assert got == [(rp.ACK, 0, ""), (rp.ACK, 1, ""), (rp.NAK, 2, "bad frame"), (rp.NAK, 2, "out of order")]


def test_kernel_frames_survive_a_stray_soh_in_shard_text():
    # A shard printed a 0x01; the kernel's frames start with 0x00, which
    # closes the bogus frame, so the ACK after it still arrives.
    sp = rp.StreamSplitter()
    items = sp.feed(b"shard:x| \x01oops\r\n" + b"\x00" + rp.encode_frame(rp.ACK, 4))
    assert [(k, x if k == "text" else x.seq) for k, x in items] == [("text", b"shard:x| "), ("frame", 4)]
    assert sp.bad == 1


def test_every_kernel_frame_starts_with_nul(driver):
    r = subprocess.run([driver], input=rp.host_frame(rp.BEGIN, 0, struct.pack("<I", 500) + b"filter"),
                       capture_output=True, timeout=60)
    assert b"\r\n\x00" + rp.encode_frame(rp.ACK, 0) + b"kern| reload: receiving" in r.stdout


def test_exec_pages_reach_the_swap_and_are_bounded(driver):
    ok = rpk.build_package("sink", MANIFEST_HASH, SINK["mem_pa"], SINK["mem_va"], b"c" * 300, 4, KEY, exec_pages=2)
    _, frames, err = run_driver(driver, transfer("sink", ok)[0])
    assert frames[-1].result() == (True, 4, "") and " (300 bytes) exec 2 sha256 " in err
    bad = rpk.build_package("sink", MANIFEST_HASH, SINK["mem_pa"], SINK["mem_va"], b"c" * 300, 4, KEY, exec_pages=3)
    _, frames, err = run_driver(driver, transfer("sink", bad)[0])
    assert frames[-1].result() == (False, 0, "exec pages beyond the shard's memory") and err == ""
