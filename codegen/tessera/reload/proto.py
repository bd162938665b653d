"""Host side of the hot-reload protocol (docs/reload.md): COBS framing with
CRC-32 and the console/frame stream splitter (packages: package.py).

Mirrors kern/reload/ byte for byte; tests/reload/test_reload_proto.py checks
the two against each other through a C driver.
"""
import struct
import zlib

SOH = 0x01
EOF_ = 0x00
CHUNK = 256
MAX_PAYLOAD = 260

BEGIN, DATA, END, ABORT = 0x10, 0x11, 0x12, 0x13
ACK, NAK, RESULT = 0x20, 0x21, 0x22
TYPE_NAMES = {BEGIN: "BEGIN", DATA: "DATA", END: "END", ABORT: "ABORT", ACK: "ACK", NAK: "NAK", RESULT: "RESULT"}


class ProtoError(ValueError):
    """Malformed frame or package, unusable key."""


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
