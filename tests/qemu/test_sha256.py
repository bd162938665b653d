"""kern/image/sha256.c (freestanding, used at boot) against hashlib:
FIPS 180-4 example vectors, every length around the padding boundaries,
and random data in random chunkings (hypothesis)."""
import ctypes
import hashlib
import os
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    out = tmp_path_factory.mktemp("sha") / "libsha.so"
    subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-shared", "-fPIC",
                    "-o", str(out), os.path.join(ROOT, "kern/image/sha256.c")], check=True)
    so = ctypes.CDLL(str(out))
    so.sha256.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p]
    return so


class Ctx(ctypes.Structure):
    _fields_ = [("h", ctypes.c_uint32 * 8), ("len", ctypes.c_uint64), ("buf", ctypes.c_uint8 * 64),
                ("fill", ctypes.c_uint)]


def one_shot(lib, data):
    out = ctypes.create_string_buffer(32)
    lib.sha256(data, len(data), out)
    return out.raw


def chunked(lib, data, cuts):
    c = Ctx()
    out = ctypes.create_string_buffer(32)
    lib.sha256_init(ctypes.byref(c))
    prev = 0
    for cut in sorted(cuts) + [len(data)]:
        piece = data[prev:cut]
        lib.sha256_update(ctypes.byref(c), piece, ctypes.c_size_t(len(piece)))
        prev = cut
    lib.sha256_final(ctypes.byref(c), out)
    return out.raw


def test_fips_180_examples(lib):
    assert one_shot(lib, b"abc").hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert one_shot(lib, b"").hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    msg = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    assert one_shot(lib, msg).hex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    assert one_shot(lib, b"a" * 1000000).hex() == \
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"


def test_every_length_across_padding_boundaries(lib):
    for n in range(0, 200):
        data = bytes((i * 7 + n) & 0xff for i in range(n))
        assert one_shot(lib, data) == hashlib.sha256(data).digest(), n


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=600), cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=6))
def test_random_data_random_chunks(lib, data, cuts):
    cuts = [min(c, len(data)) for c in cuts]
    assert chunked(lib, data, cuts) == hashlib.sha256(data).digest()
