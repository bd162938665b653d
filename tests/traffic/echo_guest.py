"""A stand-in guest for tests of `tessera traffic`: a UDP socket speaking
the -netdev dgram framing that echoes IPv4/UDP frames to its ports the way
the udp-echo pipeline does (MACs, addresses and ports swapped) and answers
ARP for its address, with optional faults: drop, swap neighbours, corrupt,
duplicate every n-th frame. Everything else it counts as dropped."""
import socket
import struct
import threading

GUEST_MAC = bytes.fromhex("525400123456")
GUEST_IP = bytes([10, 0, 0, 2])


class EchoGuest:
    def __init__(self, ports=(7, 9), drop=0, swap=0, corrupt=0, dup=0, ask=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.addr = self.sock.getsockname()
        self.ports, self.drop, self.swap, self.corrupt, self.dup = ports, drop, swap, corrupt, dup
        self.peer = None  # set by the test: the tool's --bind
        self.echoed = self.dropped = self.arp = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)
        self._held = None
        self.n = 0
        self.ask = ask  # an IPv4 address (4 bytes) to ARP for once the first frame came
        self.answer = None  # (MAC, IPv4) of the reply

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.sock.close()

    def _send(self, f):
        self.sock.sendto(f, self.peer)

    def _loop(self):
        while not self._stop.is_set():
            try:
                f = self.sock.recv(65536)
            except socket.timeout:
                continue
            self._handle(f)

    def _handle(self, f):
        if len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02" and f[32:38] == GUEST_MAC:
            self.answer = (f[22:28], f[28:32])
            return
        if self.ask and self.n == 0 and f[12:14] == b"\x08\x00":
            self._send(b"\xff" * 6 + GUEST_MAC + b"\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01" + GUEST_MAC + GUEST_IP
                       + bytes(6) + self.ask)
        if len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x01" and f[38:42] == GUEST_IP:
            self.arp += 1
            reply = f[6:12] + GUEST_MAC + b"\x08\x06" + f[14:20] + b"\x00\x02" + GUEST_MAC + GUEST_IP + f[22:32]
            self._send(reply)
            return
        if (len(f) < 42 or f[12:14] != b"\x08\x00" or f[14] != 0x45 or f[23] != 17
                or struct.unpack_from("!H", f, 36)[0] not in self.ports or struct.unpack_from("!H", f, 16)[0] != len(f) - 14
                or int.from_bytes(f[14:34], "big") % 0xffff != 0):
            self.dropped += 1
            return
        self.n += 1
        out = bytearray(f[6:12] + f[0:6] + f[12:26] + f[30:34] + f[26:30] + f[36:38] + f[34:36] + f[38:])
        # One fault per frame at most, in this order.
        if self.drop and self.n % self.drop == 0:
            return
        if self.corrupt and self.n % self.corrupt == 0:
            out[-1] ^= 0xff
        elif self.swap and self.n % self.swap == 0:
            self._held = bytes(out)
            return
        self._send(bytes(out))
        self.echoed += 1
        if self.dup and self.n % self.dup == 0 and not (self.corrupt and self.n % self.corrupt == 0):
            self._send(bytes(out))
        if self._held:
            self._send(self._held)
            self._held = None
