"""Signed reload packages and the device key (docs/reload.md, "Package" and
"Authentication"). Mirrors kern/reload/verify.c; SHA-256 and HMAC come from
Python's hashlib/hmac (Debian's OpenSSL-backed build), never hand-rolled."""
import hashlib
import hmac
import os
import struct

from tessera.reload.proto import ProtoError
from tessera.render import files

PKG_MAGIC = b"TSPK"
PKG_FORMAT = 1
PKG_HDR = 160
PKG_MAC = 32
PKG_KIND_SHARD = 1
PKG_OVERHEAD = PKG_HDR + PKG_MAC
PKG_NAME = 32
KEY_LEN = 32
# magic, format, header size; then the image's part descriptor (struct
# tess_img_part: name, kind, exec_pages, offset, size, load_pa, sha256); then the
# manifest hash, load va, version id, reserved.
_HDR = struct.Struct("<4sHH" "32sIIQQQ32s" "32sQQQ")
assert _HDR.size == PKG_HDR


def build_package(name, manifest_hash, load_pa, load_va, payload, version, key, exec_pages=0):
    """The shard's part (header + payload) with its HMAC-SHA-256 trailer.
    exec_pages: pages of code + rodata from the start (mapped read+execute)."""
    raw = name.encode("ascii")
    if not 0 < len(raw) < PKG_NAME or any(c < 0x21 or c > 0x7E for c in raw):
        raise ProtoError("shard name %r cannot go in a package (1..31 printable characters)" % name)
    if len(manifest_hash) != 32:
        raise ProtoError("manifest hash must be 32 bytes")
    if len(key) != KEY_LEN:
        raise ProtoError("reload key must be %d bytes" % KEY_LEN)
    hdr = _HDR.pack(PKG_MAGIC, PKG_FORMAT, PKG_HDR, raw, PKG_KIND_SHARD, exec_pages, PKG_HDR, len(payload), load_pa,
                    hashlib.sha256(payload).digest(), bytes(manifest_hash), load_va, version, 0)
    body = hdr + bytes(payload)
    return body + hmac.new(key, body, hashlib.sha256).digest()


def parse_package(data):
    """Header fields of a package (not verified): a dict."""
    if len(data) < PKG_OVERHEAD or data[:4] != PKG_MAGIC:
        raise ProtoError("not a tessera package")
    (_, fmt, hsize, name, kind, xp, off, size, pa, sha, mhash, va, version, _) = _HDR.unpack_from(data)
    if fmt != PKG_FORMAT or hsize != PKG_HDR or kind != PKG_KIND_SHARD or off != PKG_HDR:
        raise ProtoError("unsupported package format %d" % fmt)
    return {"name": name.rstrip(b"\0").decode("ascii", "replace"), "manifest_hash": mhash, "load_pa": pa,
            "load_va": va, "size": size, "version": version, "sha256": sha, "exec_pages": xp}


def is_package(data):
    return data[:4] == PKG_MAGIC


def verify_package(data, key):
    """Host-side check of the MAC and SHA-256 (used before sending a
    prebuilt package); returns the parsed header or raises ProtoError."""
    info = parse_package(data)
    if len(data) != PKG_OVERHEAD + info["size"]:
        raise ProtoError("package length does not match its header")
    body = data[:-PKG_MAC]
    if not hmac.compare_digest(hmac.new(key, body, hashlib.sha256).digest(), data[-PKG_MAC:]):
        raise ProtoError("bad signature (signed with another key?)")
    if hashlib.sha256(data[PKG_HDR:-PKG_MAC]).digest() != info["sha256"]:
        raise ProtoError("sha-256 mismatch")
    return info


# ---- the per-device key ----


def load_key(path):
    """The key file: 64 hex digits (and a newline)."""
    try:
        with open(path, "r", encoding="ascii") as f:
            text = f.read().strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise ProtoError("cannot read reload key %s: %s" % (path, getattr(e, "strerror", None) or e))
    if len(key) != KEY_LEN:
        raise ProtoError("reload key %s: expected %d hex bytes, found %d" % (path, KEY_LEN, len(key)))
    return key


def default_key_path(out, system_name):
    """Where a build keeps the device key: OUT/<system>.key (`tessera
    build`; the simulator's build directory for `tessera sim`)."""
    return os.path.join(out, "%s.key" % system_name)


def ensure_key(path):
    """Load the key at path, creating it (random, mode 0600) if absent.
    The build calls this once per device; the file stays out of the tree."""
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(os.urandom(KEY_LEN).hex() + "\n")
    return load_key(path)


def key_c_source(key):
    """gen/kern/reload_key.c: the key compiled into the kernel (tess_reload_key)."""
    return files.render_key(key)
