"""Frames on the wire. Data frames are Ethernet/IPv4/UDP with a payload of
magic, run id, sequence number and a fixed pattern; they are built from a
per-size template (only the sequence number and the UDP checksum change,
the checksum updated incrementally) and an echo is checked with plain
struct unpacking, so high rates need no per-frame object. ARP and the
malformed frames come from scapy, as does nothing else on the fast path.

The guest echoes a frame with MACs, IPv4 addresses and UDP ports swapped,
the IPv4 checksum fixed and the UDP checksum valid or zero; anything else
about an echo of ours (length, payload, a checksum) makes it corrupted.
"""
import ipaddress
import re
import struct
from dataclasses import dataclass

from tessera.errors import TesseraError

ETH_IPV4, ETH_ARP = 0x0800, 0x0806
MAGIC = b"TSRA"
MIN_FRAME, MAX_FRAME = 60, 1514  # Ethernet without FCS
HEAD = 14 + 20 + 8  # Ethernet, IPv4 without options, UDP
SEQ_AT = HEAD + 8  # payload: magic (4), run id (4), sequence number (8), pattern
# All ones in 16 bits: the Internet checksum is one's-complement arithmetic
# on 16-bit words, i.e. arithmetic mod ONES (RFC 1071: 2^16 = 1 mod ONES).
ONES = (1 << 16) - 1
_MAC = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")
_ETH_IP_UDP = struct.Struct("!6s6sH BBHHHBBH4s4s HHHH")


def mac(text, what):
    if not _MAC.fullmatch(text or ""):
        raise TesseraError("%s: '%s' is not a MAC address like 52:54:00:12:34:56" % (what, text))
    return bytes(int(b, 16) for b in text.split(":"))


def ipv4(text, what):
    try:
        return ipaddress.IPv4Address(text).packed
    except ValueError:
        raise TesseraError("%s: '%s' is not an IPv4 address" % (what, text)) from None


def mac_text(b):
    return ":".join("%02x" % x for x in b)


def csum_sum(data):
    """The one's-complement sum of 16-bit big-endian words, unfolded: the
    whole as one big-endian number mod ONES, computed in C."""
    if len(data) & 1:
        data += b"\0"
    return int.from_bytes(data, "big") % ONES


def csum(data):
    """The Internet checksum field for `data` (RFC 1071): the complement of
    the folded sum, which is ONES (not 0) for non-zero data = 0 mod ONES."""
    s = csum_sum(data)
    folded = s if s else (ONES if any(data) else 0)
    return ~folded & ONES


@dataclass(frozen=True)
class Flow:
    """Who talks to whom: the tool (src) and the guest (dst)."""

    src_mac: bytes
    dst_mac: bytes
    src_ip: bytes
    dst_ip: bytes
    src_port: int
    dst_port: int


def payload_len(size):
    return size - HEAD


class Templates:
    """Data frames of any size 60..1514 for one flow and run id."""

    def __init__(self, flow, run_id):
        self.flow = flow
        self.run = struct.pack("!I", run_id)
        self._t = {}

    def _template(self, size):
        t = self._t.get(size)
        if t is None:
            f = self.flow
            plen = payload_len(size)
            udp_len = 8 + plen
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0x4000, 64, 17, 0, f.src_ip, f.dst_ip)
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            pattern = bytes((i * 7 + 3) & 0xff for i in range(plen - 16))
            pseudo = f.src_ip + f.dst_ip + struct.pack("!BBH", 0, 17, udp_len)
            udp = struct.pack("!HHH", f.src_port, f.dst_port, udp_len)
            base = csum_sum(pseudo + udp + b"\0\0" + MAGIC + self.run + bytes(8) + pattern)
            head = f.dst_mac + f.src_mac + struct.pack("!H", ETH_IPV4) + ip + udp
            t = (head, base, MAGIC + self.run, pattern)
            self._t[size] = t
        return t

    def frame(self, seq, size):
        head, base, tag, pattern = self._template(size)
        s = base + (seq >> 48) + ((seq >> 32) & ONES) + ((seq >> 16) & ONES) + (seq & ONES)
        s %= ONES
        # The data is never all zero (the magic), so the folded sum is s or
        # ONES; a computed 0 goes on the wire as ONES (RFC 768).
        c = (~s & ONES) if s else ONES
        return head + struct.pack("!H", c) + tag + struct.pack("!Q", seq) + pattern

    def pattern(self, size):
        return self._template(size)[3]


# What check() returns besides a sequence number.
NOT_OURS, CORRUPT = -1, -2


def check(templates, frame, sizes_of):
    """An echo: its sequence number, NOT_OURS (another flow, ARP, a frame of
    another run) or CORRUPT. `sizes_of(seq)` is the size sent, or None."""
    f = templates.flow
    if len(frame) < SEQ_AT + 8 or frame[12:14] != b"\x08\x00" or frame[SEQ_AT - 8:SEQ_AT] != MAGIC + templates.run:
        return NOT_OURS
    (dst, src, _, vihl, _, tot, _, _, _, proto, _, ip_src, ip_dst, sport, dport, ulen, ucs) = \
        _ETH_IP_UDP.unpack_from(frame)
    seq = struct.unpack_from("!Q", frame, SEQ_AT)[0]
    size = sizes_of(seq)
    if size is None:
        return NOT_OURS
    if (len(frame) != size or dst != f.src_mac or src != f.dst_mac or vihl != 0x45 or proto != 17
            or tot != size - 14 or ip_src != f.dst_ip or ip_dst != f.src_ip or sport != f.dst_port
            or dport != f.src_port or ulen != size - 34 or csum_sum(frame[14:34]) != 0):
        return CORRUPT
    if ucs and csum_sum(ip_src + ip_dst + struct.pack("!BBH", 0, 17, ulen) + frame[34:]) != 0:
        return CORRUPT
    if frame[SEQ_AT + 8:] != templates.pattern(size):
        return CORRUPT
    return seq


# ---------------------------------------------------------------- ARP (scapy)
def arp_request(flow):
    """who-has flow.dst_ip tell flow.src_ip, broadcast."""
    from scapy.layers.l2 import ARP, Ether

    return bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac_text(flow.src_mac)) /
                 ARP(op=1, hwsrc=mac_text(flow.src_mac), psrc=_ip_text(flow.src_ip), pdst=_ip_text(flow.dst_ip)))


def arp_parse(frame):
    """(op, sender MAC, sender IP, target IP) of an ARP frame, else None."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x06":
        return None
    from scapy.layers.l2 import ARP, Ether

    p = Ether(frame)
    if ARP not in p:
        return None
    a = p[ARP]
    return a.op, mac(a.hwsrc, "ARP sender"), ipaddress.IPv4Address(a.psrc).packed, \
        ipaddress.IPv4Address(a.pdst).packed


def arp_reply(flow, request_sender_mac, request_sender_ip):
    """is-at: our MAC for flow.src_ip, to whoever asked."""
    from scapy.layers.l2 import ARP, Ether

    return bytes(Ether(dst=mac_text(request_sender_mac), src=mac_text(flow.src_mac)) /
                 ARP(op=2, hwsrc=mac_text(flow.src_mac), psrc=_ip_text(flow.src_ip),
                     hwdst=mac_text(request_sender_mac), pdst=_ip_text(request_sender_ip)))


def _ip_text(b):
    return str(ipaddress.IPv4Address(b))


# ---------------------------------------------------------- malformed (scapy)
def _udp_frame(flow, **over):
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether

    ip = dict(src=_ip_text(flow.src_ip), dst=_ip_text(flow.dst_ip))
    ip.update(over.pop("ip", {}))
    udp = dict(sport=flow.src_port, dport=flow.dst_port)
    udp.update(over.pop("udp", {}))
    eth = dict(dst=mac_text(flow.dst_mac), src=mac_text(flow.src_mac))
    eth.update(over.pop("eth", {}))
    return Ether(**eth) / IP(**ip) / UDP(**udp) / (b"malformed" + bytes(9))


def _malformed(flow):
    """Frames the guest must count and drop, never echo, by kind."""
    good = _udp_frame(flow)
    return {
        "short": bytes(good)[:20],  # an Ethernet header and a few bytes
        "ethertype": bytes(_udp_frame(flow, eth={"type": 0x88b5})),  # IEEE local experimental
        "ihl": bytes(_udp_frame(flow, ip={"ihl": 3})),  # IPv4 header length < 20 bytes
        "ip-length": bytes(_udp_frame(flow, ip={"len": 1400})),  # longer than the frame
        "ip-checksum": bytes(_udp_frame(flow, ip={"chksum": 0x1234})),
        "not-udp": bytes(_udp_frame(flow, ip={"proto": 6})),
        "port": bytes(_udp_frame(flow, udp={"dport": (flow.dst_port + 1) & ONES or 1})),
    }


MALFORMED_KINDS = ("short", "ethertype", "ihl", "ip-length", "ip-checksum", "not-udp", "port")


def malformed(flow):
    frames = _malformed(flow)
    return [(k, frames[k]) for k in MALFORMED_KINDS]
