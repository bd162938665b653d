"""Host side of the hot-reload protocol (docs/reload.md): COBS framing with
CRC-32, the console/frame stream splitter, and signed packages.

Mirrors kern/reload/ byte for byte; tests/reload/test_reload_proto.py checks
the two against each other through a C driver. Hashing and HMAC come from
Python's hashlib/hmac (Debian's OpenSSL-backed build), never hand-rolled.
"""
import hashlib
import hmac
import os
import struct
import zlib

SOH = 0x01
EOF_ = 0x00
CHUNK = 256
MAX_PAYLOAD = 260

BEGIN, DATA, END, ABORT = 0x10, 0x11, 0x12, 0x13
ACK, NAK, RESULT = 0x20, 0x21, 0x22
TYPE_NAMES = {BEGIN: "BEGIN", DATA: "DATA", END: "END", ABORT: "ABORT", ACK: "ACK", NAK: "NAK", RESULT: "RESULT"}

PKG_MAGIC = b"TSPK"
PKG_FORMAT = 1
PKG_HDR = 160
PKG_MAC = 32
PKG_KIND_SHARD = 1
PKG_OVERHEAD = PKG_HDR + PKG_MAC
PKG_NAME = 32
KEY_LEN = 32
# magic, format, header size; then the image's part descriptor (struct
# tess_img_part: name, kind, pad, offset, size, load_pa, sha256); then the
# manifest hash, load va, version id, reserved.
_HDR = struct.Struct("<4sHH" "32sIIQQQ32s" "32sQQQ")
assert _HDR.size == PKG_HDR


class ProtoError(ValueError):
    """Malformed frame or package."""


def crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def cobs_encode(data):
    """COBS, the same encoding as kern/reload/cobs.c (no trailing empty
    group after a final full 254-byte group)."""
    out = bytearray(b"\x00")
    code_at, code = 0, 1
    for i, b in enumerate(data):
        if b:
            out.append(b)
            code += 1
        if b == 0 or code == 0xFF:
            out[code_at] = code
            code = 1
            if b and i + 1 == len(data):
                return bytes(out)
            code_at = len(out)
            out.append(0)
    out[code_at] = code
    return bytes(out)


def cobs_decode(data):
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        code = data[i]
        i += 1
        if code == 0 or code - 1 > n - i:
            raise ProtoError("bad COBS encoding")
        group = data[i:i + code - 1]
        if 0 in group:
            raise ProtoError("bad COBS encoding")
        out += group
        i += code - 1
        if code != 0xFF and i < n:
            out.append(0)
    return bytes(out)


def encode_frame(ftype, seq, payload=b""):
    """SOH + COBS(type u8, seq u32, payload, crc32 u32) + 0x00."""
    if len(payload) > MAX_PAYLOAD:
        raise ProtoError("frame payload of %d bytes (max %d)" % (len(payload), MAX_PAYLOAD))
    body = struct.pack("<BI", ftype, seq) + bytes(payload)
    body += struct.pack("<I", crc32(body))
    return bytes([SOH]) + cobs_encode(body) + bytes([EOF_])


def host_frame(ftype, seq, payload=b""):
    """What the host writes: a leading 0x00 first ends any frame the kernel
    may still be assembling from line noise, so this one starts clean."""
    return b"\x00" + encode_frame(ftype, seq, payload)


class Frame:
    __slots__ = ("type", "seq", "payload")

    def __init__(self, ftype, seq, payload):
        self.type, self.seq, self.payload = ftype, seq, payload

    def __repr__(self):
        return "Frame(%s, %d, %r)" % (TYPE_NAMES.get(self.type, hex(self.type)), self.seq, self.payload)

    def text(self):
        """NAK reason, or RESULT reason text."""
        p = self.payload[9:] if self.type == RESULT else self.payload
        return p.decode("ascii", "replace")

    def result(self):
        """RESULT: (accepted, version, reason)."""
        if self.type != RESULT or len(self.payload) < 9:
            raise ProtoError("not a RESULT frame")
        status, version = struct.unpack_from("<BQ", self.payload)
        return status == 0, version, self.text()


def decode_body(body):
    if len(body) < 9:
        raise ProtoError("frame too short")
    if crc32(body[:-4]) != struct.unpack_from("<I", body, len(body) - 4)[0]:
        raise ProtoError("bad CRC")
    ftype, seq = struct.unpack_from("<BI", body)
    return Frame(ftype, seq, bytes(body[5:-4]))


class StreamSplitter:
    """Splits the console byte stream into console text and frames, like
    kern/reload/frame.c: outside a frame every byte but SOH is text."""

    MAX_WIRE = 2 + (5 + MAX_PAYLOAD + 4) * 2

    def __init__(self):
        self.buf = None  # None: outside a frame
        self.bad = 0

    def feed(self, data):
        """Returns a list of ("text", bytes) and ("frame", Frame) items;
        frames that fail their checks are counted in self.bad."""
        items, text = [], bytearray()
        for b in data:
            if self.buf is None:
                if b == SOH:
                    self.buf = bytearray()
                elif b != 0:
                    text.append(b)
                continue
            if b != 0:
                self.buf.append(b)
                if len(self.buf) > self.MAX_WIRE:
                    self.buf, self.bad = None, self.bad + 1
                continue
            if text:
                items.append(("text", bytes(text)))
                text = bytearray()
            try:
                items.append(("frame", decode_body(cobs_decode(bytes(self.buf)))))
            except ProtoError:
                self.bad += 1
            self.buf = None
        if text:
            items.append(("text", bytes(text)))
        return items


# ---- packages ----


def build_package(name, manifest_hash, load_pa, load_va, payload, version, key):
    """The shard's part (header + payload) with its HMAC-SHA-256 trailer."""
    raw = name.encode("ascii")
    if not 0 < len(raw) < PKG_NAME or any(c < 0x21 or c > 0x7E for c in raw):
        raise ProtoError("shard name %r cannot go in a package (1..31 printable characters)" % name)
    if len(manifest_hash) != 32:
        raise ProtoError("manifest hash must be 32 bytes")
    if len(key) != KEY_LEN:
        raise ProtoError("reload key must be %d bytes" % KEY_LEN)
    hdr = _HDR.pack(PKG_MAGIC, PKG_FORMAT, PKG_HDR, raw, PKG_KIND_SHARD, 0, PKG_HDR, len(payload), load_pa,
                    hashlib.sha256(payload).digest(), bytes(manifest_hash), load_va, version, 0)
    body = hdr + bytes(payload)
    return body + hmac.new(key, body, hashlib.sha256).digest()


def parse_package(data):
    """Header fields of a package (not verified): a dict."""
    if len(data) < PKG_OVERHEAD or data[:4] != PKG_MAGIC:
        raise ProtoError("not a tessera package")
    (_, fmt, hsize, name, kind, _, off, size, pa, sha, mhash, va, version, _) = _HDR.unpack_from(data)
    if fmt != PKG_FORMAT or hsize != PKG_HDR or kind != PKG_KIND_SHARD or off != PKG_HDR:
        raise ProtoError("unsupported package format %d" % fmt)
    return {"name": name.rstrip(b"\0").decode("ascii", "replace"), "manifest_hash": mhash, "load_pa": pa,
            "load_va": va, "size": size, "version": version, "sha256": sha}


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
    """C that embeds the key in the kernel image (tess_reload_key)."""
    rows = ", ".join("0x%02x" % b for b in key)
    return ("/* Generated by tessera: the hot-reload HMAC key. Do not commit. */\n"
            "#include <kern/reload.h>\n\n"
            "const uint8_t tess_reload_key[RELOAD_KEY_LEN] = {%s};\n" % rows)
