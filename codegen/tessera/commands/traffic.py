"""`tessera traffic`: send UDP frames with sequence numbers to a guest's
virtio-net device over QEMU's -netdev dgram framing (`tessera qemu --net`
or `tessera sim --net`), take the echoes and report sent, received, lost,
reordered, corrupted, packets/s and round-trip percentiles
(tessera/traffic/)."""
import sys

from tessera.backend.net import endpoint
from tessera.errors import TesseraError
from tessera.traffic import frames, report
from tessera.traffic import run as engine
from tessera.traffic.capture import Capture


def add_parser(sub):
    p = sub.add_parser(
        "traffic",
        help="send UDP frames to a guest's network device and check the echoes",
        description="Send COUNT Ethernet/IPv4/UDP frames carrying sequence numbers to the guest's "
        "`--net local=` address (one frame per UDP datagram, QEMU's -netdev dgram framing), receive "
        "the echoes on the guest's `--net remote=` address and report sent, received, lost, reordered, "
        "duplicated, corrupted, packets/s and round-trip p50/p99. Exit status 0 once the run is over "
        "(whatever was lost), 1 on errors.")
    p.add_argument("--guest", metavar="HOST:PORT", default="127.0.0.1:5555",
                   help="where the guest's device receives: its --net local= (default 127.0.0.1:5555)")
    p.add_argument("--bind", metavar="HOST:PORT", default="127.0.0.1:5556",
                   help="where echoes come back: the guest's --net remote= (default 127.0.0.1:5556)")
    p.add_argument("--count", metavar="N", type=int, default=1000, help="data frames to send (default 1000)")
    p.add_argument("--size", metavar="BYTES|MIN-MAX", default="64",
                   help="Ethernet frame size without FCS, 60..1514; MIN-MAX cycles through every size (default 64)")
    p.add_argument("--rate", metavar="PPS", type=float,
                   help="offered load in frames per second (default: as fast as possible)")
    p.add_argument("--burst", metavar="N", type=int, default=1,
                   help="frames sent back to back each time (1: paced; default 1)")
    p.add_argument("--window", metavar="N", type=int, default=0,
                   help="at most N frames in flight (0: no limit; default 0)")
    p.add_argument("--timeout", metavar="S", type=float, default=1.0,
                   help="a frame not echoed within S seconds is lost (default 1)")
    p.add_argument("--guest-mac", metavar="MAC", default="52:54:00:12:34:56",
                   help="destination MAC (default 52:54:00:12:34:56, QEMU's first NIC)")
    p.add_argument("--arp", action="store_true", help="learn the guest's MAC by ARP first (overrides --guest-mac)")
    p.add_argument("--guest-ip", metavar="IP", default="10.0.0.2", help="the guest's IPv4 address (default 10.0.0.2)")
    p.add_argument("--port", metavar="N", type=int, default=7, help="the guest's UDP port (default 7)")
    p.add_argument("--mac", metavar="MAC", default="02:00:00:00:00:01", help="our MAC (default 02:00:00:00:00:01)")
    p.add_argument("--ip", metavar="IP", default="10.0.0.1", help="our IPv4 address (default 10.0.0.1)")
    p.add_argument("--src-port", metavar="N", type=int, default=40000, help="our UDP port (default 40000)")
    p.add_argument("--answer-arp", action="store_true", help="answer ARP requests for our IPv4 address")
    p.add_argument("--malformed", metavar="N", type=int, default=0,
                   help="also send N malformed frames of each kind (%s), spread among the data frames; "
                   "the guest must drop them" % ", ".join(frames.MALFORMED_KINDS))
    p.add_argument("--query", metavar="PORT", type=int, default=0,
                   help="after the run, send one frame to UDP port PORT and wait for its echo (udp-echo: "
                   "classify's stats_port, every stage then logs its counters)")
    p.add_argument("--pcap", metavar="FILE", help="write every frame sent and received to FILE (pcap)")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    return p


def _sizes(text):
    lo, sep, hi = text.partition("-")
    try:
        lo, hi = int(lo), int(hi) if sep else int(lo)
    except ValueError:
        raise TesseraError("--size: '%s' is not BYTES or MIN-MAX" % text) from None
    if not frames.MIN_FRAME <= lo <= hi <= frames.MAX_FRAME:
        raise TesseraError("--size: %s is outside %d..%d (or MIN > MAX)" % (text, frames.MIN_FRAME, frames.MAX_FRAME))
    return lo, hi


def _options(args):
    for name, v, low in (("--count", args.count, 1), ("--burst", args.burst, 1), ("--window", args.window, 0),
                         ("--malformed", args.malformed, 0)):
        if v < low:
            raise TesseraError("%s must be at least %d" % (name, low))
    if args.rate is not None and args.rate <= 0:
        raise TesseraError("--rate must be more than 0")
    if args.timeout <= 0:
        raise TesseraError("--timeout must be more than 0")
    for name, v in (("--port", args.port), ("--src-port", args.src_port), ("--query", args.query or 1)):
        if not 1 <= v <= 65535:
            raise TesseraError("%s must be 1..65535" % name)
    return engine.Options(count=args.count, sizes=_sizes(args.size), rate=args.rate, burst=args.burst,
                       window=args.window, timeout=args.timeout, malformed=args.malformed,
                       answer_arp=args.answer_arp, query_port=args.query)


def run(args):
    opts = _options(args)
    flow = frames.Flow(src_mac=frames.mac(args.mac, "--mac"), dst_mac=frames.mac(args.guest_mac, "--guest-mac"),
                       src_ip=frames.ipv4(args.ip, "--ip"), dst_ip=frames.ipv4(args.guest_ip, "--guest-ip"),
                       src_port=args.src_port, dst_port=args.port)
    capture = Capture(args.pcap) if args.pcap else None
    wire = engine.Wire(endpoint(args.bind, "--bind"), endpoint(args.guest, "--guest"), capture)
    extra = {}
    try:
        if args.arp:
            guest_mac, rtt = engine.resolve_mac(wire, flow, args.timeout)
            flow = frames.Flow(**dict(flow.__dict__, dst_mac=guest_mac))
            extra["arp"] = {"ip": args.guest_ip, "mac": frames.mac_text(guest_mac), "rtt_us": round(rtt / 1e3, 1)}
        res = engine.run(wire, flow, opts)
    finally:
        wire.close()
        if capture:
            capture.close()
    f = report.figures(res, extra)
    print(report.as_json(f) if args.json else report.text(f))
    sys.stdout.flush()
    return 0

