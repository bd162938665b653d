"""The send/receive loop of `tessera traffic`: one thread, one UDP socket.

Offered load: `rate` frames per second on average (None: as fast as the
loop goes), sent `burst` at a time (paced when 1, bursty otherwise), with
at most `window` frames in flight (0: open loop). A frame is in flight
until its echo arrives or `timeout` after it was sent (then it counts as
lost, and an echo arriving later as late). The run ends when every frame
was sent and none is in flight. Malformed frames, if asked for, are spread
evenly among the data frames; the guest must never answer them.
"""
import collections
import errno
import os
import select
import socket
import time
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from tessera.errors import TesseraError
from tessera.traffic import frames

# Per-frame state.
IN_FLIGHT, RECEIVED, EXPIRED, LATE = 0, 1, 2, 3


@dataclass
class Options:
    count: int = 1000
    sizes: Tuple[int, int] = (64, 64)  # frame sizes cycle lo..hi
    rate: Optional[float] = None
    burst: int = 1
    window: int = 0
    timeout: float = 1.0
    malformed: int = 0  # frames of each malformed kind
    answer_arp: bool = False
    query_port: int = 0  # after the run, one frame to this port (udp-echo: every stage logs its counters)


@dataclass
class Result:
    sent: int = 0
    received: int = 0
    reordered: int = 0
    duplicated: int = 0
    corrupted: int = 0
    late: int = 0
    unexpected: int = 0  # frames that are neither echoes of ours nor ARP
    arp_answered: int = 0
    query: Optional[bool] = None  # the counters query came back (None: not asked)
    malformed_sent: dict = field(default_factory=dict)
    first_tx_ns: int = 0
    last_tx_ns: int = 0
    last_rx_ns: int = 0
    rtt_ns: List[int] = field(default_factory=list)

    @property
    def lost(self):
        return self.sent - self.received


class Wire:
    """The UDP socket: bound to `bind`, frames to `guest`; every frame also
    to the capture, if any."""

    def __init__(self, bind, guest, capture=None):
        self.guest = guest
        self.capture = capture
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            self.sock.bind(bind)
        except OSError as e:
            self.sock.close()
            raise TesseraError("cannot bind udp %s:%d: %s" % (bind + (e.strerror,))) from None
        self.sock.setblocking(False)

    def send(self, frame):
        while True:
            try:
                self.sock.sendto(frame, self.guest)
                break
            except BlockingIOError:
                select.select([], [self.sock], [], 0.1)
            except ConnectionRefusedError:  # an ICMP error from an earlier datagram: not this one's
                continue
            except OSError as e:
                raise TesseraError("sending to udp %s:%d: %s" % (self.guest + (e.strerror,))) from None
        if self.capture:
            self.capture.add(frame)

    def recv(self):
        """A frame, or None when none is waiting."""
        try:
            frame = self.sock.recv(65536)
        except (BlockingIOError, ConnectionRefusedError):
            return None
        except OSError as e:
            if e.errno == errno.EINTR:
                return None
            raise TesseraError("receiving on udp: %s" % e.strerror) from None
        if self.capture:
            self.capture.add(frame)
        return frame

    def wait(self, seconds):
        select.select([self.sock], [], [], max(0.0, seconds))

    def close(self):
        self.sock.close()


def resolve_mac(wire, flow, timeout):
    """ARP for the guest's IPv4 address: (its MAC, round trip in ns)."""
    request = frames.arp_request(flow)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        t0 = time.perf_counter_ns()
        wire.send(request)
        resend = time.monotonic() + 0.2
        while time.monotonic() < min(resend, deadline):
            wire.wait(min(resend, deadline) - time.monotonic())
            frame = wire.recv()
            while frame is not None:
                a = frames.arp_parse(frame)
                if a and a[0] == 2 and a[2] == flow.dst_ip:
                    return a[1], time.perf_counter_ns() - t0
                frame = wire.recv()
    raise TesseraError("no ARP reply from %s within %gs" % (frames._ip_text(flow.dst_ip), timeout))


def run(wire, flow, opts, run_id=None):
    """Send opts.count data frames, take the echoes; a Result."""
    run_id = os.getpid() % (1 << 32) if run_id is None else run_id
    tpl = frames.Templates(flow, run_id)
    lo, hi = opts.sizes
    span = hi - lo + 1
    n = opts.count
    state = bytearray(n)
    sent_at = [0] * n
    res = Result()
    bad = frames.malformed(flow) * opts.malformed
    # Malformed frame k goes before data frame (k + 1) n / (nbad + 1): among
    # them, each followed by data frames whose echoes show it was dropped.
    bad_at = collections.deque(((k + 1) * n // (len(bad) + 1), k) for k in range(len(bad)))
    order = collections.deque()  # in flight, in send order
    in_flight = 0
    highest = -1
    interval_ns = int(opts.burst * 1e9 / opts.rate) if opts.rate else 0
    timeout_ns = int(opts.timeout * 1e9)

    def size_of(seq):
        return lo + seq % span if 0 <= seq < res.sent else None

    def take(frame, now):
        nonlocal in_flight, highest
        seq = frames.check(tpl, frame, size_of)
        if seq >= 0:
            st = state[seq]
            if st in (RECEIVED, LATE):
                res.duplicated += 1
                return
            res.received += 1
            res.last_rx_ns = now
            if st == EXPIRED:
                state[seq] = LATE
                res.late += 1
            else:
                state[seq] = RECEIVED
                in_flight -= 1
                res.rtt_ns.append(now - sent_at[seq])
            if seq < highest:
                res.reordered += 1
            else:
                highest = seq
        elif seq == frames.CORRUPT:
            res.corrupted += 1
        else:
            a = frames.arp_parse(frame)
            if a is None:
                res.unexpected += 1
            elif opts.answer_arp and a[0] == 1 and a[3] == flow.src_ip:
                wire.send(frames.arp_reply(flow, a[1], a[2]))
                res.arp_answered += 1

    next_tx = time.perf_counter_ns()
    res.first_tx_ns = next_tx
    while res.sent < n or in_flight:
        now = time.perf_counter_ns()
        while order and (state[order[0]] != IN_FLIGHT or now - sent_at[order[0]] > timeout_ns):
            seq = order.popleft()
            if state[seq] == IN_FLIGHT:
                state[seq] = EXPIRED
                in_flight -= 1
        if res.sent < n and now >= next_tx and (not opts.window or in_flight < opts.window):
            for _ in range(opts.burst):
                if res.sent == n or (opts.window and in_flight >= opts.window):
                    break
                while bad_at and bad_at[0][0] <= res.sent:
                    kind, frame = bad[bad_at.popleft()[1]]
                    wire.send(frame)
                    res.malformed_sent[kind] = res.malformed_sent.get(kind, 0) + 1
                seq = res.sent
                wire.send(tpl.frame(seq, lo + seq % span))
                t = time.perf_counter_ns()
                sent_at[seq] = t
                res.sent += 1
                res.last_tx_ns = t
                order.append(seq)
                in_flight += 1
            next_tx = max(next_tx + interval_ns, now - 10 * interval_ns) if interval_ns else now
        got = False
        frame = wire.recv()
        while frame is not None:
            got = True
            take(frame, time.perf_counter_ns())
            frame = wire.recv()
        if got:
            continue
        # Nothing to read: sleep until the next send, the oldest frame's
        # expiry, or an echo.
        now = time.perf_counter_ns()
        waits = []
        if res.sent < n and (not opts.window or in_flight < opts.window):
            waits.append(next_tx - now)
        if order:
            waits.append(sent_at[order[0]] + timeout_ns - now)
        if not waits or min(waits) > 0:
            wire.wait(min(waits) / 1e9 if waits else 0.01)
    if opts.query_port:
        res.query = query(wire, flow, opts, run_id)
    return res


def query(wire, flow, opts, run_id):
    """One 64-byte frame to opts.query_port (a counters query to udp-echo's
    classify): True once its echo is back, False after opts.timeout."""
    tpl = frames.Templates(frames.Flow(**dict(flow.__dict__, dst_port=opts.query_port)), run_id ^ 0x80000000)
    wire.send(tpl.frame(0, 64))
    deadline = time.monotonic() + opts.timeout
    while time.monotonic() < deadline:
        wire.wait(deadline - time.monotonic())
        frame = wire.recv()
        while frame is not None:
            if frames.check(tpl, frame, lambda seq: 64 if seq == 0 else None) == 0:
                return True
            frame = wire.recv()
    return False
